/** Observability settings: each is off unless set, and a bad value stops start-up naming the variable. */
import { loadConfig } from '../../src/config';

test('metrics, SDK metrics and tracing are off unless set (an empty value, as compose passes an unset one, is unset)', () => {
  expect(loadConfig({}).observability).toEqual({ metricsPort: undefined, temporalMetricsBindAddress: undefined, otlpEndpoint: undefined });
  expect(loadConfig({ METRICS_PORT: '', TEMPORAL_METRICS_BIND_ADDRESS: '', OTEL_EXPORTER_OTLP_ENDPOINT: '' }).observability)
    .toEqual({ metricsPort: undefined, temporalMetricsBindAddress: undefined, otlpEndpoint: undefined });
  expect(loadConfig({ METRICS_PORT: '9100', TEMPORAL_METRICS_BIND_ADDRESS: '0.0.0.0:9464', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' }).observability)
    .toEqual({ metricsPort: 9100, temporalMetricsBindAddress: '0.0.0.0:9464', otlpEndpoint: 'http://otel-collector:4318' });
  expect(loadConfig({ TEMPORAL_METRICS_BIND_ADDRESS: '[::]:9464' }).observability.temporalMetricsBindAddress).toBe('[::]:9464');
});

test.each([
  ['METRICS_PORT', 'ninety'],
  ['METRICS_PORT', '70000'],
  ['TEMPORAL_METRICS_BIND_ADDRESS', '9464'],
  ['TEMPORAL_METRICS_BIND_ADDRESS', '0.0.0.0:99999'],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'otel-collector:4318'],
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'grpc://otel-collector:4317'],
])('%s=%s stops start-up naming the variable', (name, value) => {
  expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
});
