/** A server span per API request, the parent of the Temporal spans (StartWorkflow, update, signal) the request makes. */
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { routeLabel, UNMATCHED_ROUTE } from './http-metrics';

/**
 * Continues a caller's trace (W3C `traceparent`) or starts one, and names the span by route pattern once
 * the answer is sent (`POST /v1/invoices`). The URL itself stays out of the span: its ids are in the
 * Temporal spans' attributes where they matter, and nothing else of a request is recorded.
 */
export function httpTracing(): RequestHandler {
  const tracer = trace.getTracer('collections-engine-api');
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    const active = trace.setSpan(parent, span);
    // The body parser and the routes run in the request's and response's event callbacks: bind them to the span.
    context.bind(active, req);
    context.bind(active, res);
    res.once('close', () => {
      const route = routeLabel(req);
      if (route !== UNMATCHED_ROUTE) {
        span.updateName(`${req.method} /v1${route}`);
        span.setAttribute('http.route', `/v1${route}`);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(active, next);
  };
}
