import type { ToolDefinition } from '../types.js';
import { create, object, P, read, remove, update } from './params.js';

const COMMENTS = '/v0/{base_id}/{table_id_or_name}/{record_id}/comments';
const where = { base_id: P.base_id, table_id_or_name: P.table_id_or_name, record_id: P.record_id };
const whereRequired = ['base_id', 'record_id', 'table_id_or_name'];
const text = { type: 'string', minLength: 1, description: 'Comment text; mention a user with @[usr…].' };

export const commentTools: ToolDefinition[] = [
  {
    name: 'airtable_list_comments',
    description:
      'List the comments on an Airtable record, newest first: {comments: [{id, author, text, createdTime, lastUpdatedTime}], offset?}.',
    inputSchema: object(
      {
        ...where,
        offset: P.offset,
        pageSize: { type: 'integer', minimum: 1, maximum: 100, description: 'Comments per page (max 100).' },
        max_pages: P.max_pages,
      },
      whereRequired,
    ),
    annotations: read('List comments'),
    scopes: ['data.recordComments:read'],
    request: {
      method: 'GET',
      path: COMMENTS,
      query: { offset: 'offset', pageSize: 'pageSize' },
      pages: { cursorParam: 'offset', cursorField: 'offset', items: 'comments' },
    },
  },
  {
    name: 'airtable_create_comment',
    description:
      'Add a comment to an Airtable record, optionally as a reply (parentCommentId). Returns the comment.',
    inputSchema: object(
      { ...where, text, parentCommentId: { ...P.comment_id, description: 'Reply to this comment (com…).' } },
      [...whereRequired, 'text'],
    ),
    annotations: create('Create comment'),
    scopes: ['data.recordComments:write'],
    request: { method: 'POST', path: COMMENTS, body: { text: 'text', parentCommentId: 'parentCommentId' } },
  },
  {
    name: 'airtable_update_comment',
    description:
      'Change the text of a comment on an Airtable record (only its author can). Returns the comment.',
    inputSchema: object({ ...where, comment_id: P.comment_id, text }, [
      ...whereRequired,
      'comment_id',
      'text',
    ]),
    annotations: update('Update comment'),
    scopes: ['data.recordComments:write'],
    request: { method: 'PATCH', path: `${COMMENTS}/{comment_id}`, body: { text: 'text' } },
  },
  {
    name: 'airtable_delete_comment',
    description: 'Delete a comment from an Airtable record. Returns {id, deleted: true}.',
    inputSchema: object({ ...where, comment_id: P.comment_id }, [...whereRequired, 'comment_id']),
    annotations: remove('Delete comment'),
    scopes: ['data.recordComments:write'],
    request: { method: 'DELETE', path: `${COMMENTS}/{comment_id}` },
  },
];
