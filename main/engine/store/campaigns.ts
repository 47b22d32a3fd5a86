import type {
  AttachmentRef,
  Campaign,
  CampaignSettings,
  CampaignStatus,
  MergeField,
  RotationPolicy,
} from '../../../shared/domain';
import type { StatusMove } from '../policy/lifecycle';
import type { Db } from './db';
import type { Versions } from './versions';

interface Row {
  id: number;
  name: string;
  template: string;
  pool: string;
  rotation: RotationPolicy;
  reply_to: string | null;
  from_name: string | null;
  status: CampaignStatus;
  position: number;
  schedule_at: number | null;
  send_window: string | null;
  retry: string;
  unsubscribe: string;
  attachments: string;
  fields: string;
  paused_reason: string | null;
  created_at: number;
  updated_at: number;
}

function toCampaign(r: Row): Campaign {
  return {
    id: r.id,
    name: r.name,
    template: JSON.parse(r.template),
    pool: JSON.parse(r.pool),
    rotation: r.rotation,
    replyTo: r.reply_to,
    fromName: r.from_name,
    status: r.status,
    position: r.position,
    scheduleAt: r.schedule_at,
    window: r.send_window ? JSON.parse(r.send_window) : null,
    retry: JSON.parse(r.retry),
    unsubscribe: JSON.parse(r.unsubscribe),
    attachments: JSON.parse(r.attachments) as AttachmentRef[],
    fields: JSON.parse(r.fields) as MergeField[],
    pausedReason: r.paused_reason,
    createdAt: r.created_at,
  };
}

export function campaignsRepo(db: Db, versions: Versions) {
  const byId = db.prepare<[number], Row>('SELECT * FROM campaigns WHERE id = ?');
  const moveStmt = db.prepare(
    'UPDATE campaigns SET status = ?, paused_reason = ?, updated_at = ? WHERE id = ? AND status = ?',
  );
  return {
    get(id: number): Campaign | null {
      const r = byId.get(id);
      return r ? toCampaign(r) : null;
    },
    list(): Campaign[] {
      return db.prepare<[], Row>('SELECT * FROM campaigns ORDER BY position, id').all().map(toCampaign);
    },
    /** Campaigns the sender drains, in the user's order. */
    listSending(): Campaign[] {
      return db
        .prepare<[], Row>("SELECT * FROM campaigns WHERE status = 'sending' ORDER BY position, id")
        .all()
        .map(toCampaign);
    },
    create(s: CampaignSettings, now: number): Campaign {
      versions.campaigns++;
      const pos = (db.prepare('SELECT coalesce(max(position), 0) + 1 AS p FROM campaigns').get() as { p: number }).p;
      const info = db
        .prepare(
          `INSERT INTO campaigns (name, template, pool, rotation, reply_to, position, schedule_at, send_window, retry,
             unsubscribe, attachments, created_at, updated_at, from_name)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          s.name,
          JSON.stringify(s.template),
          JSON.stringify(s.pool),
          s.rotation,
          s.replyTo,
          pos,
          s.scheduleAt,
          s.window ? JSON.stringify(s.window) : null,
          JSON.stringify(s.retry),
          JSON.stringify(s.unsubscribe),
          JSON.stringify(s.attachments),
          now,
          now,
          s.fromName,
        );
      return this.get(Number(info.lastInsertRowid))!;
    },
    saveSettings(id: number, s: CampaignSettings, now: number): void {
      versions.campaigns++;
      db.prepare(
        `UPDATE campaigns SET name = ?, template = ?, pool = ?, rotation = ?, reply_to = ?, schedule_at = ?,
           send_window = ?, retry = ?, unsubscribe = ?, attachments = ?, updated_at = ?, from_name = ? WHERE id = ?`,
      ).run(
        s.name,
        JSON.stringify(s.template),
        JSON.stringify(s.pool),
        s.rotation,
        s.replyTo,
        s.scheduleAt,
        s.window ? JSON.stringify(s.window) : null,
        JSON.stringify(s.retry),
        JSON.stringify(s.unsubscribe),
        JSON.stringify(s.attachments),
        now,
        s.fromName,
        id,
      );
    },
    setFields(id: number, fields: MergeField[]): void {
      versions.campaigns++;
      db.prepare('UPDATE campaigns SET fields = ? WHERE id = ?').run(JSON.stringify(fields), id);
    },
    /**
     * Tests only: puts a campaign in a status without a lifecycle move. Production code changes
     * status through `move` (policy/lifecycle.ts); a test checks no file under main/ calls this.
     */
    forceStatusForTests(id: number, status: CampaignStatus, pausedReason: string | null, now: number): void {
      versions.campaigns++;
      db.prepare('UPDATE campaigns SET status = ?, paused_reason = ?, updated_at = ? WHERE id = ?').run(
        status,
        pausedReason,
        now,
        id,
      );
    },
    /**
     * Moves the campaign from `move.from` to `move.to` (a move from policy/lifecycle.ts); false when
     * it was no longer in `move.from`, so two changes racing never overwrite each other.
     */
    move(id: number, move: StatusMove, pausedReason: string | null, now: number): boolean {
      versions.campaigns++;
      return moveStmt.run(move.to, pausedReason, now, id, move.from).changes > 0;
    },
    reorder(ids: number[]): void {
      versions.campaigns++;
      const set = db.prepare('UPDATE campaigns SET position = ? WHERE id = ?');
      db.transaction(() => {
        for (const [i, id] of ids.entries()) set.run(i + 1, id);
      })();
    },
    remove(id: number): boolean {
      versions.campaigns++;
      return db.prepare('DELETE FROM campaigns WHERE id = ?').run(id).changes > 0;
    },
  };
}
