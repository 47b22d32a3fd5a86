import type { FileSource } from '../../../shared/contract';
import type { EngineContext } from '../context';
import { AppError } from '../errors';

/**
 * A file path is only taken from the desktop app, where it comes from the user's own drop or
 * picker. Over the headless server a path would let any page holding the token read files of the
 * machine the server runs on, so there the file must be uploaded.
 */
export function allowedSource<S extends FileSource>(ctx: EngineContext, source: S): S {
  if ('path' in source && !ctx.localPaths) {
    throw new AppError('forbidden', 'Files cannot be opened by path here: upload the file instead.');
  }
  return source;
}
