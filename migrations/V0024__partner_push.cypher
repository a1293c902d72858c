// Pushing exchange packages to a partner's inbox (graph/partners.py): the token a partner
// presents to our inbox is stored hashed and found by its hash; deliveries are retried.
CREATE CONSTRAINT partner_inbound_token IF NOT EXISTS FOR (p:Partner) REQUIRE p.inbound_token_hash IS UNIQUE;
CREATE CONSTRAINT exchange_delivery_id IF NOT EXISTS FOR (x:ExchangeDelivery) REQUIRE x.id IS UNIQUE;
CREATE INDEX exchange_delivery_due IF NOT EXISTS FOR (x:ExchangeDelivery) ON (x.status, x.next_attempt_at)
