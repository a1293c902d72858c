// Partner agencies (graph/partners.py) and the exchange packages sent to and received from them.
CREATE CONSTRAINT partner_id IF NOT EXISTS FOR (p:Partner) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT partner_name IF NOT EXISTS FOR (p:Partner) REQUIRE p.name IS UNIQUE;
CREATE CONSTRAINT partner_verify_key IF NOT EXISTS FOR (p:Partner) REQUIRE p.verify_key IS UNIQUE;
CREATE CONSTRAINT exchange_package_id IF NOT EXISTS FOR (x:ExchangePackage) REQUIRE x.id IS UNIQUE
