// What the engine answers: one function per contract request, given the input already validated
// against the contract's schema. main/rpc/dispatch.ts looks a request up here.
import type { ParsedInput, RequestName, RequestOutput } from '../../../shared/contract';

export type Handlers = {
  [N in RequestName]: (input: ParsedInput<N>) => Promise<RequestOutput<N>> | RequestOutput<N>;
};
