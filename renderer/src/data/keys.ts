// Query keys are the request's name and its input, so a key says exactly what was asked. A key
// with a partial input (or none) matches every query of that name whose input contains it.
import type { RequestInput, RequestName } from '../../../shared/contract';

export type QueryKeyOf<N extends RequestName> = readonly [N, RequestInput<N>];
/** A filter over cached requests: a name, optionally with part of the input. */
export type KeyFilter = readonly [RequestName] | readonly [RequestName, Record<string, unknown>];

export function requestKey<N extends RequestName>(name: N, input: RequestInput<N>): QueryKeyOf<N> {
  return [name, input] as const;
}

export function keyFilter<N extends RequestName>(name: N, part?: Partial<RequestInput<N>>): KeyFilter {
  return part ? [name, part as Record<string, unknown>] : [name];
}
