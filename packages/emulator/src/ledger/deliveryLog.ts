/**
 * What the full ledger keeps of message deliveries: the metrics reported for each delivery id (v2 delivery
 * events, `/api/v1/metrics`, `/push/events`) and the last unsubscribe request made through it.
 */
import type { DeliveryCommand } from '../commands.js';
import type { DeliveryMetricView, DeliveryView } from './types.js';

const METRIC_SOURCES: Record<DeliveryCommand['action'], DeliveryMetricView['source']> = { delivery_event: 'v2', metric: 'metrics', push_metric: 'push_events' };

interface DeliveryRecord {
  readonly metrics: DeliveryMetricView[];
  unsubscribed?: boolean;
}

/** Deliveries by id, each created by the first metric or unsubscribe that names it. */
export class DeliveryLog {
  readonly #deliveries = new Map<string, DeliveryRecord>();

  /** Records a metric; one without a timestamp is dated when received. */
  addMetric(command: DeliveryCommand, now: number): void {
    this.#record(command.deliveryId).metrics.push({ metric: command.name, source: METRIC_SOURCES[command.action], timestamp: command.timestamp ?? Math.floor(now / 1000) });
  }

  /**
   * Customer.io sets the unsubscribed attribute of the delivery's recipient; the emulator sends no messages,
   * so it knows no recipient and records the request on the delivery.
   */
  setUnsubscribed(deliveryId: string, unsubscribed: boolean): void {
    this.#record(deliveryId).unsubscribed = unsubscribed;
  }

  view(deliveryId: string): DeliveryView | undefined {
    const record = this.#deliveries.get(deliveryId);
    if (record === undefined) return undefined;
    return { deliveryId, metrics: [...record.metrics], ...(record.unsubscribed === undefined ? {} : { unsubscribed: record.unsubscribed }) };
  }

  get size(): number {
    return this.#deliveries.size;
  }

  clear(): void {
    this.#deliveries.clear();
  }

  #record(deliveryId: string): DeliveryRecord {
    let record = this.#deliveries.get(deliveryId);
    if (record === undefined) this.#deliveries.set(deliveryId, (record = { metrics: [] }));
    return record;
  }
}
