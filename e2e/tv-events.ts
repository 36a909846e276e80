import { company } from './support';

// Signed-event bodies for the TV specs, in the documented Wildix shapes.
// Each call gets a distinct id and a later time than the one before.
//
// The events are dated from 40 minutes ago (the board believes an event's
// time up to its receipt, counts today's calls in today only and expires
// calls after their TTL), one second apart; resetClock starts again from
// there, and each spec calls it before every test so that no test runs
// ahead of the real time.

let start = 0;
let clock = 0;
let serial = 0;

/** resetClock dates the next events from 40 minutes ago (today, at the earliest midnight UTC). */
export function resetClock() {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const midnight = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  start = clock = Math.max(now - 40 * 60_000, midnight + 1000);
}
resetClock();

/** eventsStart is when the first event after resetClock is dated, less a second (ms). */
export function eventsStart() {
  return start;
}

function envelope(type: string, id: string, data: object) {
  clock += 1000;
  return { id, pbx: '0000aa11bb22', company, time: clock, type, integrationId: 'e2e001', data };
}

/** A PBX user as a call participant: teaches the board their group and department. */
export function local(extension: string, name: string, group: string, department: string) {
  return {
    type: 'LOCAL',
    phone: extension,
    name,
    email: `${extension}@example.test`,
    userExtension: extension,
    userDepartment: department,
    groupName: group,
  };
}

/** An internal call from one user to another, ringing. */
export function internalCall(from: object, to: object) {
  const id = `${company}_1764064800.${++serial}`;
  return envelope('call:start', id, {
    status: 'CONNECTING',
    caller: from,
    callee: to,
    destination: (to as any).phone,
    tags: [],
    flags: [],
  });
}

/** An outside caller waiting in queue, nobody answering yet. */
export function queueCall(queue: string, phone: string) {
  const id = `${company}_1764064900.${++serial}`;
  return envelope('call:start', id, {
    status: 'CONNECTING',
    caller: { type: 'REMOTE', phone, name: 'Caller' },
    callee: null,
    destination: '800',
    trunkName: 'trunk1',
    queueName: queue,
    tags: [],
    flags: [],
  });
}

/** The analytics record of a finished queue call the agent answered. */
export function completedCall(queue: string, agent: object, waitMs: number, talkMs: number) {
  const id = `${company}_1764065000.${++serial}`;
  const end = clock + 500;
  return envelope('call:completed', id, {
    id,
    company,
    callStatus: 'COMPLETED',
    queueName: queue,
    flows: [
      {
        flowIndex: 0,
        direction: 'INBOUND',
        caller: { type: 'REMOTE', phone: '+15550100', name: 'Caller' },
        callee: agent,
        queueName: queue,
        waitTime: waitMs,
        talkTime: talkMs,
        connectTime: waitMs,
        startTime: end - waitMs - talkMs,
        endTime: end,
      },
    ],
  });
}

/** The end of a call that internalCall started (the legacy flat format). */
export function callEnd(start: { id: string; data: any }) {
  return envelope('call:end', start.id, { ...start.data, callee: start.data.callee, endCause: '16', endCauseStr: 'Normal Clearing', endBy: 'CALLER' });
}

const GIVEN = ['Agnieszka', 'Élodie', 'Maximilian', 'Ann', 'Bob', 'Zoë', 'Jean-Pierre', 'Siobhán', 'Mohammed', 'Li', 'Bartholomew', 'Ines'];
const FAMILY = ['Kowalczyk-Wiśniewska', 'Marchand', 'Schwarzenberger-Hohenstein', 'Archer', 'Brown', 'Çelik', 'de la Fontaine', "O'Sullivan", 'Al-Rashid', 'Chen', 'Featherstonehaugh', 'Muñoz'];

/** The name of the i-th person of a test company: long, short and accented names. */
export function personName(i: number) {
  return `${GIVEN[i % GIVEN.length]} ${FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]}`;
}

/**
 * Events that teach the board the names, groups and departments of people
 * 0 … n-1 (extensions from 4000): each pair shares a call that starts and
 * then ends, so that nobody is left on a call. Post the starts before the
 * ends: an end that arrives first leaves its call's start nothing to do.
 */
export function namedPeople(n: number, groups = ['Sales', 'Support', 'Billing']) {
  const starts: object[] = [];
  const ends: object[] = [];
  for (let i = 0; i < n; i += 2) {
    const a = local(String(4000 + i), personName(i), groups[i % groups.length], 'Floor');
    const j = Math.min(i + 1, n - 1);
    const b = local(String(4000 + j), personName(j), groups[j % groups.length], 'Floor');
    const start = internalCall(a, b) as { id: string; data: any };
    starts.push(start);
    ends.push(callEnd(start));
  }
  return { starts, ends };
}

/** The analytics record of a queue call nobody answered: the caller hung up after waitMs. */
export function abandonedCall(queue: string, waitMs: number) {
  const id = `${company}_1764065100.${++serial}`;
  const end = clock + 500;
  return envelope('call:completed', id, {
    id,
    company,
    callStatus: 'MISSED',
    queueName: queue,
    flows: [
      {
        flowIndex: 0,
        direction: 'INBOUND',
        caller: { type: 'REMOTE', phone: '+15550199', name: 'Caller' },
        callee: null,
        queueName: queue,
        callStatus: 'MISSED',
        waitTime: waitMs,
        talkTime: 0,
        startTime: end - waitMs,
        endTime: end,
      },
    ],
  });
}
