import type { Router } from 'express';
import type { Logger } from 'pino';
import type { EventStore } from '../eventstore/eventStore';
import type { AnyRoute } from '../http/api/route';
import type { OperationSpec } from '../http/openapi/openApiDocument';
import { integrationRoutes } from '../integrations/integrationRoutes';
import { IntegrationRegistry } from '../integrations/integrationRegistry';
import type { ReadStore } from '../readstore/readStore';
import { webhookDeliveryRoutes } from './webhookDeliveryRoutes';
import { WebhookInbox } from './webhookInbox';
import { WebhookIngestion } from './webhookIngestion';
import { WEBHOOK_OPERATIONS, webhookRouter } from './webhookRoutes';

export interface WebhooksOptions {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly logger?: Logger;
  readonly clock?: () => Date;
  /** Shared with whatever else changes integrations in this process, so changes apply at once. */
  readonly integrations?: IntegrationRegistry;
  /** How many unauthenticated deliveries the inbox keeps (WEBHOOK_UNVERIFIED_KEPT). */
  readonly unauthenticatedKept?: number;
}

/** Webhook ingestion wired: the router, its description, and the admin routes. */
export interface Webhooks {
  readonly integrations: IntegrationRegistry;
  readonly inbox: WebhookInbox;
  readonly ingestion: WebhookIngestion;
  /** POST /webhooks/:integrationId, raw bodies: mount it beside the route table. */
  readonly router: Router;
  /** Its description for /openapi.json. */
  readonly operations: readonly OperationSpec[];
  /** /admin/integrations and /admin/webhook-deliveries, for the route table. */
  readonly adminRoutes: readonly AnyRoute[];
}

export function createWebhooks(options: WebhooksOptions): Webhooks {
  const { store, readStore, logger, clock } = options;
  const integrations =
    options.integrations ??
    new IntegrationRegistry({ store, ...(clock !== undefined && { clock }) });
  const inbox = new WebhookInbox(readStore, clock, options.unauthenticatedKept);
  const ingestion = new WebhookIngestion({
    store,
    inbox,
    integrations,
    ...(logger !== undefined && { logger }),
    ...(clock !== undefined && { clock }),
  });
  return {
    integrations,
    inbox,
    ingestion,
    router: webhookRouter({ ingestion }),
    operations: WEBHOOK_OPERATIONS,
    adminRoutes: [
      ...integrationRoutes({ registry: integrations, readStore }),
      ...webhookDeliveryRoutes({ inbox, ingestion }),
    ],
  };
}
