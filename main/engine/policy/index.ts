export * from './backoff';
export * from './classify';
export * from './eta';
export * from './rotation';
export * from './throttle';
export * from './window';
