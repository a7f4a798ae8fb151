/**
 * docker-compose.yml is the production shape users start; no engine runs it here, so its contract
 * with the code is checked instead: what compose hands the worker and the API is a configuration
 * they accept, naming only variables they read, and the search attributes it registers are the ones
 * the workflows set.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { parse } from 'yaml';
import { CONFIGURATION_VARIABLES, loadConfig } from '../../src/config';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  depends_on?: string[] | Record<string, unknown>;
  environment?: Record<string, string | number>;
  ports?: string[];
}

const ROOT = path.join(__dirname, '..', '..');
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const { services } = compose;

/** `${NAME:-default}` as compose resolves it with NAME unset: the default (empty when none). */
function resolved(environment: Record<string, string | number> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).map(([name, value]) =>
    [name, String(value).replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_all, fallback: string | undefined) => fallback ?? '')]));
}

test.each(['worker', 'api'])('the %s gets a configuration it accepts, naming only variables the engine reads', (name) => {
  const environment = resolved(services[name].environment);
  expect(Object.keys(environment).filter((variable) => !CONFIGURATION_VARIABLES.includes(variable))).toEqual([]);
  const config = loadConfig(environment);
  expect(config.databaseUrl).toMatch(/@postgres:5432\//);
  expect(config.temporal.address).toBe('temporal:7233');
});

test('the API listens beyond loopback on the port compose publishes; the worker answers health on its own port', () => {
  const api = loadConfig(resolved(services.api.environment));
  expect(api.httpHost).toBe('0.0.0.0');
  expect(services.api.ports).toEqual([`${api.httpPort}:${api.httpPort}`]);
  expect(api.workerHealthPort).toBeUndefined();
  expect(loadConfig(resolved(services.worker.environment)).workerHealthPort).toBe(3001);
  expect([services.worker.command, services.api.command]).toEqual([['worker'], ['api']]);
});

test('the search attributes compose registers are the ones the workflows set, with their types', () => {
  const command = (services['temporal-search-attributes'].command ?? []).join(' ');
  const registered = [...command.matchAll(/\b([A-Za-z]+)=(Keyword|Int|Datetime|Text|Double|Bool|KeywordList)\b/g)].map(([, name, type]) => `${name}=${type}`);
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword', [SearchAttributeType.INT]: 'Int', [SearchAttributeType.DATETIME]: 'Datetime', [SearchAttributeType.TEXT]: 'Text',
    [SearchAttributeType.DOUBLE]: 'Double', [SearchAttributeType.BOOL]: 'Bool', [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  };
  expect(registered.sort()).toEqual(ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${cliType[key.type]}`).sort());
});

test('every service a service waits for exists, and the engine is built from the repository', () => {
  for (const service of Object.values(services)) {
    const waitsFor = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const name of waitsFor) expect(Object.keys(services)).toContain(name);
  }
  expect([services.worker.build, services.api.build]).toEqual(['.', '.']);
  expect(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^FROM /m);
});
