import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, type TestDatabase } from '../test-support/databases.js';
import {
  getEvaluation,
  getTranscript,
  insertOverride,
  insertTranscriptAndEvaluation,
  insertViolation,
  listAcks,
  listEvaluations,
  listOverrides,
  listScorecards,
  listViolationsOf,
  putAck,
  putScorecardItems,
} from './qa.repository.js';

const dialects = await testDialects();

describe.each(dialects)('qa.repository on $name', ({ open }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.dispose();
  });

  const store = (agent: string | null, startedAt: number, critical: 0 | 1) =>
    insertTranscriptAndEvaluation(
      db.db,
      {
        external_id: `x-${startedAt}`,
        call_id: null,
        agent,
        queue: 'q',
        language: 'en',
        format: 'json',
        source: 'api.json',
        started_at: startedAt,
        data: '{"turns":[]}',
        uploaded_by: 'q1',
        created_at: 1000,
      },
      {
        agent,
        queue: 'q',
        started_at: startedAt,
        result: '{}',
        score: critical ? 0 : 0.5,
        critical,
        created_at: 1000,
      },
    );

  it('stores and filters evaluations with numeric ids', async () => {
    const a = await store('a1', 100, 0);
    const b = await store('a2', 200, 1);
    const c = await store('a1', 300, 0);
    expect(typeof a.evaluationId).toBe('number');
    expect((await getEvaluation(db.db, b.evaluationId))?.agent).toBe('a2');
    expect((await getTranscript(db.db, a.transcriptId))?.external_id).toBe('x-100');
    expect(await getEvaluation(db.db, 9999)).toBeUndefined();
    const ids = async (f: Parameters<typeof listEvaluations>[1]) =>
      (await listEvaluations(db.db, f)).map((e) => e.id);
    expect(await ids({})).toEqual([c.evaluationId, b.evaluationId, a.evaluationId]);
    expect(await ids({ agents: ['a1'] })).toEqual([c.evaluationId, a.evaluationId]);
    expect(await ids({ agents: [] })).toEqual([]);
    expect(await ids({ from: 100, to: 300 })).toEqual([b.evaluationId, a.evaluationId]);
    expect(await ids({ critical: 1 })).toEqual([b.evaluationId]);
    expect(await ids({ limit: 1 })).toEqual([c.evaluationId]);
  });

  it('keeps overrides in order, replaces scorecard items, updates acks, adds violations', async () => {
    const { evaluationId: id } = await store('a3', 400, 1);
    await insertOverride(db.db, {
      evaluation_id: id,
      check_id: 'E09',
      result: 'pass',
      comment: 'quote, not the agent',
      created_by: 'q1',
      created_at: 2000,
    });
    await insertOverride(db.db, {
      evaluation_id: id,
      check_id: 'E09',
      result: 'fail',
      comment: 'it was the agent',
      created_by: 'q2',
      created_at: 3000,
    });
    expect((await listOverrides(db.db, [id])).map((o) => o.result)).toEqual(['pass', 'fail']);
    const item = { evaluation_id: id, comment: '', created_by: 'q1', created_at: 1 };
    await putScorecardItems(db.db, [
      { ...item, item: 'E02', score: 1 },
      { ...item, item: 'E10', score: 0 },
    ]);
    await putScorecardItems(db.db, [{ ...item, item: 'E10', score: 0.5 }]);
    expect((await listScorecards(db.db, [id])).map((s) => [s.item, s.score])).toEqual([
      ['E02', 1],
      ['E10', 0.5],
    ]);
    await putAck(db.db, id, { acknowledged_at: 5000, acknowledged_by: 'a3' });
    await putAck(db.db, id, { appeal_text: 'no', appeal_status: 'open', appeal_at: 6000 });
    expect(await listAcks(db.db, [id])).toEqual([
      {
        evaluation_id: id,
        acknowledged_by: 'a3',
        acknowledged_at: 5000,
        appeal_text: 'no',
        appeal_at: 6000,
        appeal_status: 'open',
        decided_by: null,
        decided_at: null,
        decision_comment: null,
      },
    ]);
    const v = await insertViolation(db.db, {
      agent: 'a3',
      norm: 'E09',
      rule: 'qa.critical',
      source: 'qa',
      evaluation_id: id,
      created_by: 'q1',
      created_at: 7000,
      note: null,
    });
    expect(await listViolationsOf(db.db, id)).toEqual([
      {
        id: v,
        agent: 'a3',
        norm: 'E09',
        rule: 'qa.critical',
        source: 'qa',
        evaluation_id: id,
        created_by: 'q1',
        created_at: 7000,
        note: null,
      },
    ]);
  });
});
