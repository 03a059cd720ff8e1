-- Sandbox host schema: the yuan joins the host's currencies (rates, remittances to China),
-- and every home country gets a sandbox bank, so wallets outside Japan can link a bank, top
-- up and withdraw. A fresh database gets all of this from the seed (seed::BANKS), which runs
-- after the migrations; only a database seeded before is topped up here.
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'fee:CNY', 'fee', 'CNY', 0, 0, 'Fee income CNY' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'fx:CNY', 'fx', 'CNY', 0, 1, 'FX position CNY' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'partner:CNY', 'partner', 'CNY', 0, 1, 'Partner network payouts CNY' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'bank_reserve:bank_chao_phraya', 'bank_reserve', 'THB', 0, 1, 'Chao Phraya Sandbox Bank reserve' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO banks (id, name, country, currency, reserve_account)
SELECT 'bank_chao_phraya', 'Chao Phraya Sandbox Bank', 'TH', 'THB', 'bank_reserve:bank_chao_phraya' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'bank_reserve:bank_merlion', 'bank_reserve', 'SGD', 0, 1, 'Merlion Sandbox Bank reserve' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO banks (id, name, country, currency, reserve_account)
SELECT 'bank_merlion', 'Merlion Sandbox Bank', 'SG', 'SGD', 'bank_reserve:bank_merlion' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'bank_reserve:bank_nusantara', 'bank_reserve', 'IDR', 0, 1, 'Nusantara Sandbox Bank reserve' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO banks (id, name, country, currency, reserve_account)
SELECT 'bank_nusantara', 'Nusantara Sandbox Bank', 'ID', 'IDR', 'bank_reserve:bank_nusantara' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'bank_reserve:bank_selangor', 'bank_reserve', 'MYR', 0, 1, 'Selangor Sandbox Bank reserve' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO banks (id, name, country, currency, reserve_account)
SELECT 'bank_selangor', 'Selangor Sandbox Bank', 'MY', 'MYR', 'bank_reserve:bank_selangor' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'bank_reserve:bank_luzon', 'bank_reserve', 'PHP', 0, 1, 'Luzon Sandbox Bank reserve' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO banks (id, name, country, currency, reserve_account)
SELECT 'bank_luzon', 'Luzon Sandbox Bank', 'PH', 'PHP', 'bank_reserve:bank_luzon' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'bank_reserve:bank_mekong', 'bank_reserve', 'KHR', 0, 1, 'Mekong Sandbox Bank reserve' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO banks (id, name, country, currency, reserve_account)
SELECT 'bank_mekong', 'Mekong Sandbox Bank', 'KH', 'KHR', 'bank_reserve:bank_mekong' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'bank_reserve:bank_song_hong', 'bank_reserve', 'VND', 0, 1, 'Song Hong Sandbox Bank reserve' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO banks (id, name, country, currency, reserve_account)
SELECT 'bank_song_hong', 'Song Hong Sandbox Bank', 'VN', 'VND', 'bank_reserve:bank_song_hong' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label)
SELECT 'bank_reserve:bank_ganga', 'bank_reserve', 'INR', 0, 1, 'Ganga Sandbox Bank reserve' WHERE EXISTS (SELECT 1 FROM banks);
INSERT INTO banks (id, name, country, currency, reserve_account)
SELECT 'bank_ganga', 'Ganga Sandbox Bank', 'IN', 'INR', 'bank_reserve:bank_ganga' WHERE EXISTS (SELECT 1 FROM banks);
