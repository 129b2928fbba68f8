/**
 * @module A test MQTT client (mqtt.js) that queues every message it receives and
 * waits for the next one matching a predicate.
 */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export interface MqttMessageSeen {
  topic: string;
  text: string;
  json: Record<string, unknown> | null;
  retain: boolean;
}

export interface TestMqtt {
  readonly client: MqttClient;
  readonly messages: MqttMessageSeen[];
  /** The next queued message matching `match` (removed), or an error after timeoutMs. */
  next(match?: (m: MqttMessageSeen) => boolean, timeoutMs?: number): Promise<MqttMessageSeen>;
  /** Subscribes; resolves with the granted QoS of each filter (128 = refused). */
  subscribe(filters: string[]): Promise<number[]>;
  close(): Promise<void>;
}

export async function connectMqtt(url: string, options: IClientOptions = {}): Promise<TestMqtt> {
  const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  const messages: MqttMessageSeen[] = [];
  let wake: (() => void) | undefined;
  client.on('message', (topic, payload, packet) => {
    const text = payload.toString('utf8');
    let json: Record<string, unknown> | null = null;
    try {
      json = text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      json = null;
    }
    messages.push({ topic, text, json, retain: packet.retain });
    wake?.();
  });
  const mqtt: TestMqtt = {
    client,
    messages,
    async next(match = () => true, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = messages.findIndex(match);
        if (index !== -1) return messages.splice(index, 1)[0]!;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no matching MQTT message within ${timeoutMs} ms; queued: ${JSON.stringify(messages.map((m) => m.topic)).slice(0, 500)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          wake = () => {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          };
        });
      }
    },
    async subscribe(filters) {
      // One SUBSCRIBE per filter: mqtt.js rejects a whole SUBACK that refuses any of them.
      const granted: number[] = [];
      for (const filter of filters) {
        try {
          granted.push((await client.subscribeAsync(filter, { qos: 1 }))[0]?.qos ?? -1);
        } catch (error) {
          if (!String(error).includes('Subscribe error')) throw error;
          granted.push(128);
        }
      }
      return granted;
    },
    close: () => client.endAsync(true),
  };
  return mqtt;
}
