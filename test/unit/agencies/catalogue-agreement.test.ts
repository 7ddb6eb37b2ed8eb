import { describe, expect, it } from 'vitest';
import { agencyIds } from '../../../contracts/agencies';
import { agencyMessages } from '../../../contracts/agency-messages';
import { catalogue } from '../../../contracts/procedures';
import { services } from '../../../contracts/procedures/services';
import { agencyModules } from '../../../agencies';

/** The agencies handle exactly the catalogue's services, and answer each with the service's events. */
describe('agencies and the catalogue agree', () => {
  it.each(agencyIds)('%s handles every command of its services, and only those', (agency) => {
    const handled = Object.keys(agencyModules[agency].handlers).sort();
    const offered = services.filter((s) => s.agency === agency).map((s) => s.command);
    expect(handled).toEqual(offered.sort());
    const contract = Object.keys(agencyMessages[agency].commands).filter((type) => type !== 'CancelCase.v1');
    expect(handled).toEqual(contract.sort());
  });

  it.each(services.map((s) => [s.id, s] as const))(
    '%s: the handler answers with the service’s events',
    (_id, service) => {
      const handlers: Record<string, { events: unknown } | undefined> = agencyModules[service.agency].handlers;
      const handler = handlers[service.command];
      expect(handler?.events).toEqual({ approved: service.result, rejected: service.rejection });
      expect(catalogue.serviceForCommand(service.command)).toBe(service);
    },
  );
});
