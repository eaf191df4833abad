import { seededId } from './ids.js';

/** In-memory model of the demo workspace. Record fields are keyed by field name. */
export interface FieldModel {
  id: string;
  name: string;
  /** Airtable field type; cell values are checked for the common ones (cells.ts), others are stored as given. */
  type: string;
  description?: string;
  options?: Record<string, unknown>;
}

export interface SelectChoice {
  id: string;
  name: string;
  color: string;
}

export interface ViewModel {
  id: string;
  name: string;
  type: 'grid' | 'form' | 'calendar' | 'gallery' | 'kanban' | 'timeline' | 'block';
}

export interface CommentModel {
  id: string;
  text: string;
  createdTime: string;
  lastUpdatedTime: string | null;
  parentCommentId?: string;
}

export interface AttachmentModel {
  id: string;
  url: string;
  filename: string;
  size: number;
  type: string;
}

export interface RecordModel {
  id: string;
  createdTime: string;
  fields: Record<string, unknown>;
  /** Newest last; listed newest first. */
  comments?: CommentModel[];
}

export interface TableModel {
  id: string;
  name: string;
  description?: string;
  primaryFieldId: string;
  fields: FieldModel[];
  views: ViewModel[];
  records: RecordModel[];
}

export interface BaseModel {
  id: string;
  name: string;
  permissionLevel: 'none' | 'read' | 'comment' | 'edit' | 'create';
  /** Pre-selected on the consent page and granted by autoApprove. */
  grantedByDefault: boolean;
  tables: TableModel[];
}

/** `type` narrowed for select fields: their options hold the choices. */
export function selectChoices(field: FieldModel): SelectChoice[] | undefined {
  const choices = field.options?.choices;
  return Array.isArray(choices) ? (choices as SelectChoice[]) : undefined;
}

const EPOCH = Date.UTC(2024, 0, 15, 9, 0, 0);
const STATUSES = ['Todo', 'In progress', 'Done'] as const;
const COLORS = ['blueLight2', 'yellowLight2', 'greenLight2'] as const;

function field(baseKey: string, name: string, type: FieldModel['type'], extra: Partial<FieldModel> = {}) {
  return { id: seededId('fld', `${baseKey}:${name}`), name, type, ...extra } satisfies FieldModel;
}

function table(
  baseKey: string,
  name: string,
  fields: FieldModel[],
  rows: Record<string, unknown>[],
  extraViews: ViewModel[] = [],
  description?: string,
): TableModel {
  const tableKey = `${baseKey}:${name}`;
  return {
    id: seededId('tbl', tableKey),
    name,
    ...(description === undefined ? {} : { description }),
    primaryFieldId: fields[0]?.id ?? '',
    fields,
    views: [{ id: seededId('viw', `${tableKey}:grid`), name: 'Grid view', type: 'grid' }, ...extraViews],
    records: rows.map((fieldsOfRow, i) => ({
      id: seededId('rec', `${tableKey}:${i}`),
      createdTime: new Date(EPOCH + i * 60_000).toISOString(),
      fields: fieldsOfRow,
    })),
  };
}

/** 125 tasks (so a 50-per-page listing needs 3 pages); every third task has no Notes. */
export const TASK_COUNT = 125;

function launchBase(): BaseModel {
  const key = 'product-launch';
  const statusField = field(key, 'Status', 'singleSelect', {
    options: {
      choices: STATUSES.map((s, i) => ({
        id: seededId('sel', `${key}:${s}`),
        name: s,
        color: COLORS[i] ?? '',
      })),
    },
  });
  const tasks = Array.from({ length: TASK_COUNT }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return {
      Name: `Task ${n}`,
      Status: STATUSES[i % STATUSES.length],
      Notes: i % 3 === 2 ? '' : `Notes for task ${n}`,
    };
  });
  const milestones = ['Private beta', 'Public beta', 'General availability'].map((Name, i) => ({
    Name,
    Done: i === 0,
  }));
  return {
    id: seededId('app', key),
    name: 'Product Launch',
    permissionLevel: 'create',
    grantedByDefault: true,
    tables: [
      table(
        key,
        'Tasks',
        [field(key, 'Name', 'singleLineText'), statusField, field(key, 'Notes', 'multilineText')],
        tasks,
        [],
        'Everything that has to happen before launch',
      ),
      table(
        key,
        'Milestones',
        [
          field(key, 'Name', 'singleLineText'),
          field(key, 'Done', 'checkbox'),
          field(key, 'Files', 'multipleAttachments', { options: { isReversed: false } }),
        ],
        milestones,
        [{ id: seededId('viw', `${key}:Milestones:calendar`), name: 'Calendar', type: 'calendar' }],
      ),
    ],
  };
}

function crmBase(): BaseModel {
  const key = 'sales-crm';
  const people = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov'];
  const rows = people.map((Name, i) => ({
    Name,
    Email: `${Name.split(' ')[0]?.toLowerCase()}@example.com`,
    Company: i % 2 === 0 ? 'Analytical Engines Ltd' : '',
    'Deal size': (i + 1) * 1000,
  }));
  const fields = [
    field(key, 'Name', 'singleLineText'),
    field(key, 'Email', 'email'),
    field(key, 'Company', 'singleLineText'),
    field(key, 'Deal size', 'number', { options: { precision: 0 } }),
  ];
  return {
    id: seededId('app', key),
    name: 'Sales CRM',
    permissionLevel: 'edit',
    grantedByDefault: true,
    tables: [table(key, 'Contacts', fields, rows)],
  };
}

function financeBase(): BaseModel {
  const key = 'finance';
  const rows = ['Cloud hosting', 'Payroll', 'Office'].map((Name, i) => ({ Name, Amount: (i + 2) * 750 }));
  const fields = [
    field(key, 'Name', 'singleLineText'),
    field(key, 'Amount', 'number', { options: { precision: 2 } }),
  ];
  return {
    id: seededId('app', key),
    name: 'Finance (private)',
    permissionLevel: 'create',
    grantedByDefault: false,
    tables: [table(key, 'Budget', fields, rows)],
  };
}

/** A fresh copy of the demo workspace (ids are deterministic across runs and processes). */
export function createSeedWorkspace(): BaseModel[] {
  return [launchBase(), crmBase(), financeBase()];
}

/** Stable ids of the seeded bases, for tests and demos. */
export const SEED_IDS = {
  productLaunchBase: seededId('app', 'product-launch'),
  tasksTable: seededId('tbl', 'product-launch:Tasks'),
  tasksGridView: seededId('viw', 'product-launch:Tasks:grid'),
  milestonesTable: seededId('tbl', 'product-launch:Milestones'),
  milestonesCalendarView: seededId('viw', 'product-launch:Milestones:calendar'),
  salesCrmBase: seededId('app', 'sales-crm'),
  financeBase: seededId('app', 'finance'),
} as const;
