/**
 * The failure converter clients and workers load by path (the worker also bundles it into the
 * workflow sandbox): a failure's message and stack trace travel as an encoded payload, so the payload
 * codec seals them too. Refusals and provider errors quote amounts and addresses.
 */
import { DefaultFailureConverter } from '@temporalio/common';

/** Failures with message and stack trace moved into their encoded attributes. */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
