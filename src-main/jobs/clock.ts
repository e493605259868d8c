/** The time as the store keeps it: ISO 8601 in UTC. */
export function isoNow(): string {
  return new Date().toISOString();
}
