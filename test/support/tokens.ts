/**
 * @module What a model pays for, counted with Anthropic's tokenizer
 * (@anthropic-ai/tokenizer; cl100k/o200k land within about 8%): a tool as the
 * model is shown it (name, description, input schema), the server instructions,
 * and a tool result's structured content.
 */
import { countTokens } from '@anthropic-ai/tokenizer';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

export const toolTokens = (tool: Pick<Tool, 'name' | 'description' | 'inputSchema'>): number =>
  countTokens(JSON.stringify({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }));

export const jsonTokens = (value: unknown): number => countTokens(JSON.stringify(value));

export const textTokens = (text: string): number => countTokens(text);

/** The catalog's cost: every listed tool plus the instructions. */
export function catalogTokens(tools: readonly Tool[], instructions: string | undefined): { total: number; perTool: Record<string, number> } {
  const perTool = Object.fromEntries(tools.map((t) => [t.name, toolTokens(t)]));
  return { total: Object.values(perTool).reduce((a, b) => a + b, 0) + textTokens(instructions ?? ''), perTool };
}
