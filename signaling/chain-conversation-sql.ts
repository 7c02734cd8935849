/**
 * The conversation filter of the session lists (`GET /api/sessions?conversation=`,
 * `GET /api/conversations/:id/sessions`) in SQL, as the keyed chain records
 * the conversation (chain-origin.ts): the first 'session-created' event's
 * `conversationId` when it is a string, none when it names another value, and
 * the session row's column only where the chain does not say (no creation
 * event, or one without the field: sessions older than 449231a). The row's
 * column carries no key: a session moved to another conversation on disk was
 * listed there (its audit then invalid); now it stays in the one it was made
 * for, as its summary says.
 *
 * Candidates come from two indexes (the creation events by the conversation
 * they name, the rows by their column); each is then held to the exact rule.
 */

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * PostgreSQL: an event's data as jsonb, or NULL where jsonb refuses the text (review s14 C1). `data` is
 * JSON.stringify's, which writes a lone surrogate (and NUL) as an escape jsonb rejects; a cast in an index
 * expression then failed every insert of such a row, and the migration building it on a database holding one.
 * Rows written since the REST bodies refuse such text (shared/protocol/rest.ts) never hold one.
 */
const PG_JSONB_OR_NULL = `CREATE OR REPLACE FUNCTION cobrowse_jsonb_or_null(data TEXT) RETURNS JSONB
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
  BEGIN RETURN data::jsonb;
  EXCEPTION WHEN invalid_text_representation OR untranslatable_character THEN RETURN NULL;
  END $$;`;

const pgJsonb = (data: string) => `cobrowse_jsonb_or_null(${data})`;

/** The creation event's conversationId as text, in the form its index (the stores' migration 9) is built on. */
export function createdConversationSql(dialect: SqlDialect, data: string): string {
  return dialect === 'sqlite' ? `json_extract(${data}, '$.conversationId')` : `(${pgJsonb(data)} ->> 'conversationId')`;
}

/**
 * The index the candidates are read through: creation events by the conversation they name. PostgreSQL's is
 * named anew: migration 9 as first shipped built `audit_events_created_conversation` on a plain cast, which
 * migration 10 drops (pg-migrations.ts).
 */
export function createdConversationIndexSql(dialect: SqlDialect): string {
  const name = dialect === 'sqlite' ? 'audit_events_created_conversation' : 'audit_events_created_conversation_safe';
  const index = `CREATE INDEX IF NOT EXISTS ${name} ON audit_events (${createdConversationSql(dialect, 'data')}) WHERE type = 'session-created';`;
  return dialect === 'sqlite' ? index : `${PG_JSONB_OR_NULL}\n${index}`;
}

/** PostgreSQL migration 10: a database that ran migration 9 as first shipped gets the index that cannot fail. */
export function replaceCastConversationIndexSql(): string {
  return `DROP INDEX IF EXISTS audit_events_created_conversation;\n${createdConversationIndexSql('postgres')}`;
}

/**
 * Whether the `sessions` row in scope belongs to the conversation `conversation`
 * binds, by chainOrigin's rule, as an SQL boolean: the first creation event
 * decides when there is one (its row's column only when it has no such
 * field); no creation event, the row's column. One correlated scalar
 * subquery (an EXISTS here became a hashed subplan over every creation event
 * in PostgreSQL's plan).
 */
function inChainConversationSql(dialect: SqlDialect, conversation: () => string): string {
  const named =
    dialect === 'sqlite'
      ? {
          absent: `json_type(created.data, '$.conversationId') IS NULL`,
          text: `json_type(created.data, '$.conversationId') = 'text'`,
          value: `json_extract(created.data, '$.conversationId')`,
        }
      : {
          absent: `(${pgJsonb('created.data')} -> 'conversationId') IS NULL`,
          text: `jsonb_typeof(${pgJsonb('created.data')} -> 'conversationId') = 'string'`,
          value: createdConversationSql(dialect, 'created.data'),
        };
  const first = `FROM audit_events created WHERE created.session_id = sessions.id AND created.type = 'session-created' ORDER BY created.seq LIMIT 1`;
  const decide = `CASE WHEN ${named.absent} THEN sessions.conversation_id = ${conversation()} WHEN ${named.text} THEN ${named.value} = ${conversation()} ELSE ${dialect === 'sqlite' ? '0' : 'false'} END`;
  return `COALESCE((SELECT ${decide} ${first}), sessions.conversation_id = ${conversation()})`;
}

/**
 * WHERE condition on the `sessions` table (unaliased): the session belongs to
 * the conversation that `conversation` binds (a placeholder for it, asked once
 * per use, in order).
 */
export function conversationClause(dialect: SqlDialect, conversation: () => string): string {
  const byEvent = `SELECT session_id FROM audit_events WHERE type = 'session-created' AND ${createdConversationSql(dialect, 'data')} = ${conversation()}`;
  const byRow = `SELECT id FROM sessions WHERE conversation_id = ${conversation()}`;
  return `id IN (${byEvent} UNION ALL ${byRow}) AND ${inChainConversationSql(dialect, conversation)}`;
}
