import { randomUUID } from 'node:crypto';

/** A new event's ID: an upper-case UUID, as ActionTrail's. */
export function newEventId(_arrival: number): string {
  return randomUUID().toUpperCase();
}
