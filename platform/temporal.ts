import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import type { TemporalSettings } from './config';

/** Connection options for the Temporal frontend, with TLS and API key when configured. */
export function temporalConnectionOptions(
  address: string,
  settings?: Pick<TemporalSettings, 'tls' | 'apiKey'>,
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
  return { address, connectTimeout: '10s', tls: tlsOption, apiKey: settings?.apiKey };
}

export async function connectTemporal(
  address: string,
  settings?: Pick<TemporalSettings, 'tls' | 'apiKey'>,
): Promise<Connection> {
  return Connection.connect(temporalConnectionOptions(address, settings));
}
