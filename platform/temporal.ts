import { readFileSync } from 'node:fs';
import {
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
  type TLSConfig,
} from '@temporalio/client';
import type { TemporalSettings } from './config';

/**
 * Who waits on a connection's calls. A background client (the event bridge, the orchestrator)
 * keeps the SDK's retries, about 40 s of them while Temporal is unreachable: its caller retries
 * anyway. Someone at the other end of an http request should not wait that long for a 503:
 * `interactive` gives up after six attempts, about 2 s of backoff.
 */
export type TemporalCaller = 'background' | 'interactive';
const interactiveAttempts = 6;

/** Connection options for the Temporal frontend, with TLS and API key when configured. */
export function temporalConnectionOptions(
  address: string,
  settings?: Pick<TemporalSettings, 'tls' | 'apiKey'>,
  caller: TemporalCaller = 'background',
): ConnectionOptions {
  const tls = settings?.tls;
  let tlsOption: TLSConfig | boolean | undefined;
  if (tls) {
    tlsOption = {
      serverNameOverride: tls.serverName,
      serverRootCACertificate: tls.caPath ? readFileSync(tls.caPath) : undefined,
      clientCertPair:
        tls.certPath && tls.keyPath ? { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) } : undefined,
    };
  } else if (settings?.apiKey) {
    // An API key is only ever sent over TLS (Temporal Cloud requires it).
    tlsOption = true;
  }
  const options: ConnectionOptions = { address, connectTimeout: '10s', tls: tlsOption, apiKey: settings?.apiKey };
  if (caller === 'interactive')
    options.interceptors = [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: interactiveAttempts }))];
  return options;
}

export async function connectTemporal(
  address: string,
  settings?: Pick<TemporalSettings, 'tls' | 'apiKey'>,
  caller: TemporalCaller = 'background',
): Promise<Connection> {
  return Connection.connect(temporalConnectionOptions(address, settings, caller));
}
