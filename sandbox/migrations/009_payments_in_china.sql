-- Sandbox host schema: a wallet pays merchants in China through their networks (Alipay+,
-- WeChat Pay, UnionPay), the host acting as the networks' partner wallet (ADR 0007). The row
-- is the intent: it commits, with the wallet's money held, before the network is called,
-- under a request id derived from the wallet's idempotency key, so a retry, a dropped answer
-- or a restart finds it and asks the network about the same payment instead of paying again.
CREATE TABLE IF NOT EXISTS payments_abroad (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,               -- the wallet's idempotency scope and key
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    network TEXT NOT NULL,             -- alipay_plus | wechat_pay | unionpay
    request_id TEXT NOT NULL UNIQUE,   -- the network's idempotency key (paymentRequestId, …)
    payload TEXT NOT NULL,             -- the merchant's code, as scanned
    route TEXT NOT NULL,
    merchant_id TEXT NOT NULL,         -- the host's listing id when it lists the code, else the network's
    merchant_name TEXT NOT NULL,
    merchant_country TEXT NOT NULL,
    amount INTEGER NOT NULL,           -- what the merchant is paid, minor units of currency
    currency TEXT NOT NULL,
    quote_id TEXT NOT NULL REFERENCES quotes(id),
    send INTEGER NOT NULL,             -- the quote: converted, fee, debited, in the wallet's currency
    fee INTEGER NOT NULL,
    debit INTEGER NOT NULL,
    home_currency TEXT NOT NULL,
    journal_id TEXT NOT NULL,          -- the payment: the wallet's money held (suspense)
    status TEXT NOT NULL,              -- pending | paid | refused | cancelled
    refusal TEXT,
    settle_journal_id TEXT,            -- paid: suspense to fee, FX and the network payable
    return_journal_id TEXT,            -- refused or cancelled: the money back to the wallet
    payment_id TEXT,                   -- the network's
    settlement_amount INTEGER,         -- what the host owes the network, minor units
    settlement_currency TEXT,
    network_rate TEXT,                 -- the network's rate, settlement currency per merchant's
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    UNIQUE (scope, idem_key)
);
CREATE INDEX IF NOT EXISTS payments_abroad_pending ON payments_abroad(status) WHERE status = 'pending';

-- What the host owes each network for the merchants it paid through it, in yen.
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label) VALUES
    ('network_payable:alipay_plus', 'partner', 'JPY', 0, 0, 'Alipay+ payable (merchants paid in China)'),
    ('network_payable:wechat_pay', 'partner', 'JPY', 0, 0, 'WeChat Pay payable (merchants paid in China)'),
    ('network_payable:unionpay', 'partner', 'JPY', 0, 0, 'UnionPay payable (merchants paid in China)');

-- The networks' merchants in China with a static code (seed::cn_merchants): a fresh database
-- gets them from the seed, which runs after the migrations; one seeded before gets them here.
INSERT INTO merchants (id, name, city, country, currency, scheme, account_id, static_payload)
SELECT 'm_cn_dumplings_wechat', 'XIAOLONG DUMPLING HOUSE', 'SHANGHAI', 'CN', 'CNY', 'wechatpay',
    'network_payable:wechat_pay', 'wxp://f2f0Kx7QmT2vLpR8nWcY4bZsHj3uDaE6gF9Nq' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO merchants (id, name, city, country, currency, scheme, account_id, static_payload)
SELECT 'm_cn_noodles_alipay', 'LANXIN NOODLES', 'SHANGHAI', 'CN', 'CNY', 'alipay',
    'network_payable:alipay_plus', 'https://qr.alipay.com/FKX07512QWXJ3N8TLHGCE4' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO merchants (id, name, city, country, currency, scheme, account_id, static_payload)
SELECT 'm_cn_noodles_unionpay', 'LANXIN NOODLES', 'SHANGHAI', 'CN', 'CNY', 'unionpay',
    'network_payable:unionpay', '000201010211153148021560480215603103100581200015204581253031565802CN5914LANXIN NOODLES6008SHANGHAI64200002ZH0104兰心面馆0202上海63044758' WHERE EXISTS (SELECT 1 FROM banks);
