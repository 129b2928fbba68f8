/**
 * @module What a model pays for, counted with Anthropic's tokenizer
 * (@anthropic-ai/tokenizer; cl100k/o200k land within about 8%): a tool as the
 * model is shown it (name, description, input schema), the server instructions,
 * and a tool result's structured content. The bench's copy of
 * test/support/tokens.ts (bench code does not import from test/), with one
 * difference: the package's countTokens builds a tokenizer per call (about 35 ms),
 * so this one keeps one and encodes as countTokens does (NFKC, all special
 * tokens allowed): the same counts.
 */
import { getTokenizer } from '@anthropic-ai/tokenizer';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

let tokenizer: ReturnType<typeof getTokenizer> | undefined;

/** countTokens of @anthropic-ai/tokenizer on one tokenizer kept for the process. */
export function countTokens(text: string): number {
  tokenizer ??= getTokenizer();
  return tokenizer.encode(text.normalize('NFKC'), 'all').length;
}

export const toolTokens = (tool: Pick<Tool, 'name' | 'description' | 'inputSchema'>): number =>
  countTokens(JSON.stringify({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }));

export const jsonTokens = (value: unknown): number => countTokens(JSON.stringify(value));

export const textTokens = (text: string): number => countTokens(text);

/** The catalog's cost: every listed tool plus the instructions. */
export function catalogTokens(tools: readonly Tool[], instructions: string | undefined): { total: number; instructions: number; perTool: Record<string, number> } {
  const perTool = Object.fromEntries(tools.map((t) => [t.name, toolTokens(t)]));
  const own = textTokens(instructions ?? '');
  return { total: Object.values(perTool).reduce((a, b) => a + b, 0) + own, instructions: own, perTool };
}
