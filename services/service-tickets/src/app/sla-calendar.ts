import type { BusinessCalendar } from '../domain/sla-clock';
import { calendarFor, needsDirectoryTimeZone } from '../domain/settings.policy';
import { ticketSettings, type SettingsContext } from './settings-use-cases';
import type { TicketsContext } from './tickets-context';

/**
 * The business calendar SLA targets of a ticket count on: the property's calendar from the tenant's
 * settings (or the default one), in the property's time zone from the tenant directory unless the
 * calendar names one. The directory is only asked when the zone is needed.
 */
export async function ticketCalendar(ctx: SettingsContext & Pick<TicketsContext, 'directory'>, tenantId: string, propertyId: string | undefined): Promise<BusinessCalendar> {
  const settings = await ticketSettings(ctx, tenantId);
  if (!needsDirectoryTimeZone(settings, propertyId)) return calendarFor(settings, propertyId, undefined);
  const directory = await ctx.directory.get(tenantId);
  return calendarFor(settings, propertyId, directory.properties.find((p) => p.propertyId === propertyId)?.timeZone);
}
