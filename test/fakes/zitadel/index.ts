export {
  FakeZitadel,
  DEFAULT_SEED,
  type Fault,
  type FakeZitadelOptions,
  type RecordedRequest,
  type Rpc,
  type TokenKind,
} from './fake-zitadel';
export { type ErrorStyle, GrpcError, connectCode, httpStatusOf } from './grpc-error';
export type { FakeTarget, StoreSeed } from './store';
