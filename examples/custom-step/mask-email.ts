// A custom pipeline step: a function taking the step's `options` and returning a Streams operator. Used from
// examples/custom-step/pipeline.yaml as `- module: ./mask-email.ts#maskEmail`.
import { mapValues } from '../../src/index.js';

/** Replaces the local part of `value[options.field]` with its first letter and `***`. */
export function maskEmail(options: Record<string, unknown>) {
  const field = String(options.field ?? 'email');
  return mapValues((v: Record<string, unknown>) => {
    const email = v[field];
    if (typeof email !== 'string' || !email.includes('@')) return v;
    const [local, domain] = email.split('@') as [string, string];
    return { ...v, [field]: `${local.slice(0, 1)}***@${domain}` };
  });
}
