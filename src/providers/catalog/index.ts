import { asana } from './asana.js';
import { confluence } from './confluence.js';
import { dropbox } from './dropbox.js';
import { github } from './github.js';
import { gmail } from './gmail.js';
import { googleCalendar } from './google-calendar.js';
import { googleDrive } from './google-drive.js';
import { googleSheets } from './google-sheets.js';
import { hubspot } from './hubspot.js';
import { jira } from './jira.js';
import { linear } from './linear.js';
import { microsoftTeams } from './microsoft-teams.js';
import { notion } from './notion.js';
import { outlook } from './outlook.js';
import { salesforce } from './salesforce.js';
import { slack } from './slack.js';
import { zoom } from './zoom.js';

/** The built-in OAuth providers beyond Airtable, one data file each. Adding one: docs/providers.md. */
export const CATALOG = [
  asana,
  confluence,
  dropbox,
  github,
  gmail,
  googleCalendar,
  googleDrive,
  googleSheets,
  hubspot,
  jira,
  linear,
  microsoftTeams,
  notion,
  outlook,
  salesforce,
  slack,
  zoom,
];
