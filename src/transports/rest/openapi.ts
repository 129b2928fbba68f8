/**
 * @module Builds the OpenAPI 3.1 document of the REST API from the command
 * catalog: the same schemas the hub validates with, so the document cannot drift.
 */
import { z } from 'zod';
import { ERROR_CATALOG } from '../../core/errors.js';
import type { Command } from '../../hub/command.js';
import { API_PREFIX, ROUTES } from './routes.js';

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

export function buildOpenApi(commands: readonly Command[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const command of commands) {
    const route = ROUTES[command.name];
    if (!route) continue;
    const schema = z.toJSONSchema(command.input, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
    const properties = { ...schema.properties };
    for (const p of pathParams) Reflect.deleteProperty(properties, p);
    const parameters: unknown[] = [
      ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      { name: 'X-Baton-Project', in: 'header', required: false, schema: { type: 'string' } },
      { name: 'X-Baton-Agent', in: 'header', required: false, schema: { type: 'string' } },
    ];
    const operation: Record<string, unknown> = {
      operationId: command.name,
      summary: command.description,
      tags: [command.toolset],
      parameters,
      responses: { '200': { description: 'The command result.', content: { 'application/json': { schema: { type: 'object' } } } }, default: errorResponse },
    };
    const required = (schema.required ?? []).filter((r) => !pathParams.includes(r));
    if (route.method === 'GET' || route.method === 'DELETE') {
      for (const [name, property] of Object.entries(properties)) parameters.push({ name, in: 'query', required: required.includes(name), schema: property });
    } else {
      operation['requestBody'] = { required: required.length > 0, content: { 'application/json': { schema: { ...schema, properties, required } } } };
    }
    const path = `${API_PREFIX}${route.path}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Baton REST API', version, description: 'Coordination for AI coding agents: presence, leases, tasks, state and events.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
