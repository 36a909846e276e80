import { company } from './support';

// Signed-event bodies for the TV spec, in the documented Wildix shapes.
// Each call gets a distinct id and a later time than the one before.

let clock = Date.parse('2026-11-25T10:00:00Z');
let serial = 0;

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
