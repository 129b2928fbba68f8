/**
 * @module Builds the OpenAPI 3.1 document of the REST API from the command
 * catalog: the same schemas the hub validates with, so the document cannot drift.
 */
import { z } from 'zod';
import { ERROR_CATALOG } from '../../core/errors.js';
import type { Command } from '../../hub/command.js';
import { ALIAS_ROUTES, API_PREFIX, ROUTES, type AliasRoute, type Route } from './routes.js';

type JsonSchema = { properties?: Record<string, unknown>; required?: string[] } & Record<string, unknown>;

const errorResponse = {
  description: 'A typed error: code, message, what to do (hint), details.',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string', enum: Object.keys(ERROR_CATALOG) }, message: { type: 'string' }, hint: { type: 'string' }, details: { type: 'object' } },
            required: ['code', 'message', 'hint'],
          },
        },
      },
    },
  },
};

/** One operation: the command's input as parameters and body, its output as the 200 response. */
function operationOf(command: Command, route: Route, alias?: AliasRoute): Record<string, unknown> {
  const schema = z.toJSONSchema(command.input, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
  const { $schema: _ignored, ...output } = z.toJSONSchema(command.output, { unrepresentable: 'any', io: 'output' }) as JsonSchema;
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const properties = { ...schema.properties };
  for (const p of [...pathParams, ...Object.keys(alias?.fixed ?? {})]) Reflect.deleteProperty(properties, p);
  const parameters: unknown[] = [
    ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    { name: 'X-Baton-Project', in: 'header', required: false, schema: { type: 'string' } },
    { name: 'X-Baton-Agent', in: 'header', required: false, schema: { type: 'string' } },
  ];
  const operation: Record<string, unknown> = {
    operationId: alias?.name ?? command.name,
    summary: alias ? `${command.description} (a mode of ${command.name}${alias.fixed ? `: ${JSON.stringify(alias.fixed)}` : ''})` : command.description,
    tags: [command.toolset],
    parameters,
    responses: { '200': { description: 'The command result.', content: { 'application/json': { schema: output } } }, default: errorResponse },
  };
  const required = (schema.required ?? []).filter((r) => !pathParams.includes(r) && !(r in (alias?.fixed ?? {})));
  if (route.method === 'GET' || route.method === 'DELETE') {
    for (const [name, property] of Object.entries(properties)) parameters.push({ name, in: 'query', required: required.includes(name), schema: property });
  } else {
    operation['requestBody'] = { required: required.length > 0, content: { 'application/json': { schema: { ...schema, properties, required } } } };
  }
  return operation;
}

export function buildOpenApi(commands: readonly Command[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (route: Route, operation: Record<string, unknown>): void => {
    const path = `${API_PREFIX}${route.path}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  };
  const byName = new Map(commands.map((c) => [c.name, c]));
  for (const command of commands) {
    const route = ROUTES[command.name];
    if (route) add(route, operationOf(command, route));
  }
  for (const alias of ALIAS_ROUTES) {
    const command = byName.get(alias.command);
    if (command) add(alias, operationOf(command, alias, alias));
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Baton REST API', version, description: 'Coordination for AI coding agents: presence, leases, tasks, state and events.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
