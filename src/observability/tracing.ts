/**
 * OpenTelemetry tracing across API → workflow → activity, through the Temporal SDK's interceptors, sent
 * to an OTLP/HTTP collector. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then nothing is loaded, no
 * interceptor is added and no span is made. OpenTelemetry's tracer provider is global to the process,
 * and so is this module's state: clients and workers made after `startTracing` carry the interceptors.
 */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';

/**
 * The SDK's workflow interceptors (run in the workflow sandbox, so they must be in the workflow
 * bundle): a worker bundling its workflows at start adds them itself; a pre-built bundle must have
 * been built with them (`bundleWorkflowCode({ workflowInterceptorModules })`).
 */
export const TRACING_WORKFLOW_MODULES: readonly string[] = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

interface ActiveTracing {
  clientInterceptors: WorkflowClientInterceptor[];
  activityInterceptors: ActivityInterceptorsFactory[];
  sinks: InjectedSinks<OpenTelemetrySinks>;
  shutdown(): Promise<void>;
}

let active: ActiveTracing | undefined;

/** Tracing as started: flush and stop it last, so the spans of the shutdown itself are sent. */
export interface Tracing {
  stop(): Promise<void>;
}

/** True once `startTracing` has run in this process. */
export function tracingActive(): boolean {
  return active !== undefined;
}

/**
 * Registers a tracer provider sending spans in batches to `${endpoint}/v1/traces` (OTLP over HTTP, as
 * the OTEL_EXPORTER_OTLP_ENDPOINT convention has it), with W3C trace-context propagation.
 */
export async function startTracing(options: { endpoint: string; serviceName: string }): Promise<Tracing> {
  if (active) throw new Error('tracing is already started in this process');
  // Loaded here, not at the top: a process without tracing never loads the OpenTelemetry SDK.
  const [{ OTLPTraceExporter }, { Resource }, { BatchSpanProcessor }, { NodeTracerProvider }, temporal] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/resources'), import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'), import('@temporalio/interceptors-opentelemetry'),
  ]);
  const resource = Resource.default().merge(new Resource({ 'service.name': options.serviceName }));
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const workflowSpans = temporal.makeWorkflowExporter(processor, resource);
  active = {
    clientInterceptors: [new temporal.OpenTelemetryWorkflowClientInterceptor()],
    activityInterceptors: [(ctx) => ({
      inbound: new temporal.OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new temporal.OpenTelemetryActivityOutboundInterceptor(ctx),
    })],
    sinks: {
      exporter: {
        export: {
          // The SDK copies the whole WorkflowInfo onto each workflow span; the search attributes and
          // memo stay out (business figures), the ids that find the run stay in.
          fn: (info, spans) => workflowSpans.export.fn(spanInfo(info), spans),
        },
      },
    },
    shutdown: () => provider.shutdown(),
  };
  return {
    async stop() {
      const stopping = active;
      active = undefined;
      await stopping?.shutdown();
    },
  };
}

function spanInfo(info: WorkflowInfo): WorkflowInfo {
  const { namespace, taskQueue, workflowId, runId, workflowType, attempt } = info;
  return { namespace, taskQueue, workflowId, runId, workflowType, attempt } as WorkflowInfo;
}

/** The client's workflow interceptors: trace context into every start, signal, update and query; none when off. */
export function clientTracingInterceptors(): WorkflowClientInterceptor[] {
  return active ? [...active.clientInterceptors] : [];
}

/** What a worker adds for tracing: activity interceptors, the workflow span sink, and the workflow modules to bundle; nothing when off. */
export function workerTracing(): { activity: ActivityInterceptorsFactory[]; workflowModules: string[]; client: WorkflowClientInterceptor[]; sinks?: InjectedSinks<OpenTelemetrySinks> } {
  if (!active) return { activity: [], workflowModules: [], client: [] };
  return { activity: [...active.activityInterceptors], workflowModules: [...TRACING_WORKFLOW_MODULES], client: [...active.clientInterceptors], sinks: active.sinks };
}
