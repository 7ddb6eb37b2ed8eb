import type { Payload, PayloadCodec } from '@temporalio/common';
import protoModule from '@temporalio/proto';
import { DossierStatusView } from '../contracts/dossier-status';
import type { Pool } from './database';

const { temporal } = protoModule;

/** What the record store answers to a search: the columns it can filter on, not the sealed view. */
export interface DossierRecordSummary {
  dossierId: string;
  procedure: string;
  status: string;
  submittedAt: string;
  closedAt: string;
}

export interface DossierRecordQuery {
  citizenKey?: string;
  status?: string;
  procedure?: string;
  /** Submitted at or after / at or before (ISO). */
  from?: string;
  to?: string;
  limit: number;
}

/**
 * Closed dossiers as they ended, kept in the platform database for as long as the law asks: a
 * closed workflow's history is deleted once the namespace's retention passes, a citizen's results
 * are not. The view is sealed with the same codec as Temporal payloads (it holds ID numbers and
 * names); only the columns searches need are in clear, the citizen as their pseudonymous key.
 */
export function createDossierRecords(pool: Pool, codec: PayloadCodec) {
  const seal = async (view: DossierStatusView): Promise<Buffer> => {
    const plain: Payload = {
      metadata: { encoding: new TextEncoder().encode('json/plain') },
      data: new TextEncoder().encode(JSON.stringify(view)),
    };
    const [sealed] = await codec.encode([plain]);
    return Buffer.from(temporal.api.common.v1.Payload.encode(sealed!).finish());
  };
  const open = async (bytes: Buffer): Promise<DossierStatusView> => {
    const [plain] = await codec.decode([temporal.api.common.v1.Payload.decode(bytes)]);
    return DossierStatusView.parse(JSON.parse(new TextDecoder().decode(plain?.data ?? new Uint8Array())));
  };

  return {
    async migrate(): Promise<void> {
      await pool.query(`
        create table if not exists dossier_records (
          dossier_id text primary key,
          procedure text not null,
          citizen_key text,
          status text not null,
          submitted_at timestamptz not null,
          closed_at timestamptz not null,
          view bytea not null
        );
        create index if not exists dossier_records_citizen on dossier_records (citizen_key, submitted_at desc);
        create index if not exists dossier_records_submitted on dossier_records (submitted_at desc);
      `);
    },

    /** Keeps a closed dossier's final view; a redelivered or older copy never replaces a newer one. */
    async save(view: DossierStatusView, citizenKey: string | undefined): Promise<void> {
      await pool.query(
        `insert into dossier_records (dossier_id, procedure, citizen_key, status, submitted_at, closed_at, view)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (dossier_id) do update set status = excluded.status, closed_at = excluded.closed_at, view = excluded.view
           where dossier_records.closed_at <= excluded.closed_at`,
        [
          view.dossierId,
          view.procedure,
          citizenKey ?? null,
          view.status,
          view.submittedAt,
          view.updatedAt,
          await seal(view),
        ],
      );
    },

    async get(dossierId: string): Promise<DossierStatusView | undefined> {
      const { rows } = await pool.query<{ view: Buffer }>('select view from dossier_records where dossier_id = $1', [
        dossierId,
      ]);
      return rows[0] ? open(rows[0].view) : undefined;
    },

    /** Closed dossiers matching every given filter, newest submission first. */
    async search(query: DossierRecordQuery): Promise<DossierRecordSummary[]> {
      const { rows } = await pool.query<{
        dossier_id: string;
        procedure: string;
        status: string;
        submitted_at: Date;
        closed_at: Date;
      }>(
        `select dossier_id, procedure, status, submitted_at, closed_at from dossier_records
         where ($1::text is null or citizen_key = $1) and ($2::text is null or status = $2)
           and ($3::text is null or procedure = $3) and ($4::timestamptz is null or submitted_at >= $4)
           and ($5::timestamptz is null or submitted_at <= $5)
         order by submitted_at desc limit $6`,
        [
          query.citizenKey ?? null,
          query.status ?? null,
          query.procedure ?? null,
          query.from ?? null,
          query.to ?? null,
          query.limit,
        ],
      );
      return rows.map((r) => ({
        dossierId: r.dossier_id,
        procedure: r.procedure,
        status: r.status,
        submittedAt: r.submitted_at.toISOString(),
        closedAt: r.closed_at.toISOString(),
      }));
    },
  };
}
export type DossierRecords = ReturnType<typeof createDossierRecords>;
