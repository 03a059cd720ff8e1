//! The simulated networks and the wallets their users hold: one table, everything else derives from it.

use serde::{Deserialize, Serialize};

/// A foreign payment network whose acquiring API the simulator plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// Alipay+ (Alipay and its partner wallets: AlipayHK, Kakao Pay).
    AlipayPlus,
    /// WeChat Pay (cross-border acquiring, "Quick Pay"/micropay).
    WechatPay,
    /// UnionPay International QR payments.
    Unionpay,
}

impl Network {
    /// Every network, in a stable order.
    pub const ALL: [Network; 3] = [Network::AlipayPlus, Network::WechatPay, Network::Unionpay];

    /// Stable id used in the database, URLs and JSON (`alipay_plus`, `wechat_pay`, `unionpay`).
    pub fn id(self) -> &'static str {
        match self {
            Network::AlipayPlus => "alipay_plus",
            Network::WechatPay => "wechat_pay",
            Network::Unionpay => "unionpay",
        }
    }

    /// The network for a stable id.
    pub fn from_id(id: &str) -> Option<Network> {
        Network::ALL.into_iter().find(|n| n.id() == id)
    }

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Network::AlipayPlus => "Alipay+",
            Network::WechatPay => "WeChat Pay",
            Network::Unionpay => "UnionPay",
        }
    }

    /// The network's FX margin over the mid rate, in basis points: each network prices its
    /// own conversion, so the same yen cost a tourist slightly different yuan per network.
    pub fn fx_margin_bps(self) -> i128 {
        match self {
            Network::AlipayPlus => 30,
            Network::WechatPay => 40,
            Network::Unionpay => 20,
        }
    }

    /// The network that acquires codes detection names `scheme` (`alipay`, `wechatpay`,
    /// `unionpay`): how a till routes a scanned code.
    pub fn for_scheme(scheme: koban_core::scheme::SchemeId) -> Option<Network> {
        use koban_core::scheme::registry::{ALIPAY, UNIONPAY, WECHATPAY};
        match scheme {
            s if s == ALIPAY => Some(Network::AlipayPlus),
            s if s == WECHATPAY => Some(Network::WechatPay),
            s if s == UNIONPAY => Some(Network::Unionpay),
            _ => None,
        }
    }

    /// Which network serves a request path, for fault injection and error shapes.
    pub fn for_path(path: &str) -> Option<Network> {
        if path.starts_with("/aps/") {
            Some(Network::AlipayPlus)
        } else if path.starts_with("/pay/") || path.starts_with("/secapi/") {
            Some(Network::WechatPay)
        } else if path.starts_with("/gateway/") {
            Some(Network::Unionpay)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// The shape of a payment code a wallet shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeForm {
    /// A numeric barcode (18 digits for Alipay and WeChat Pay, 19 for UnionPay).
    Numeric,
    /// An EMVCo consumer-presented QR payload (`hQVDUFYwMQ…`), UnionPay only.
    EmvCpm,
}

/// A wallet product whose users a network serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wallet {
    /// Stable id (`alipay_cn`, `wechat_cn`, …).
    pub id: &'static str,
    /// The network that acquires its codes.
    pub network: Network,
    /// Brand name as the network reports it (Alipay+'s `walletBrandName`).
    pub name: &'static str,
    /// Currency the users' balances are held in.
    pub currency: &'static str,
    /// First two digits of its numeric codes: inside the ranges detection assigns to the
    /// network (Alipay 25-30, WeChat Pay 10-15, UnionPay 62).
    pub code_prefix: &'static str,
    /// The code form issued when none is asked for.
    pub default_form: CodeForm,
}

/// Every wallet the simulator holds users for. The Alipay+ partner prefixes are this
/// simulator's choice: real partner wallets' codes are issued under Alipay+'s own rules.
pub const WALLETS: &[Wallet] = &[
    Wallet {
        id: "alipay_cn",
        network: Network::AlipayPlus,
        name: "Alipay",
        currency: "CNY",
        code_prefix: "28",
        default_form: CodeForm::Numeric,
    },
    Wallet {
        id: "alipay_hk",
        network: Network::AlipayPlus,
        name: "AlipayHK",
        currency: "HKD",
        code_prefix: "26",
        default_form: CodeForm::Numeric,
    },
    Wallet {
        id: "kakaopay",
        network: Network::AlipayPlus,
        name: "Kakao Pay",
        currency: "KRW",
        code_prefix: "27",
        default_form: CodeForm::Numeric,
    },
    Wallet {
        id: "wechat_cn",
        network: Network::WechatPay,
        name: "WeChat Pay",
        currency: "CNY",
        code_prefix: "13",
        default_form: CodeForm::Numeric,
    },
    Wallet {
        id: "wechat_hk",
        network: Network::WechatPay,
        name: "WeChat Pay HK",
        currency: "HKD",
        code_prefix: "14",
        default_form: CodeForm::Numeric,
    },
    // UnionPay wallets show a QR (EMV CPM) and a 19-digit barcode. The barcode is the default
    // because the core's detection names it UnionPay; its CPM table does not list UnionPay's AID
    // yet, so the QR form detects as a generic EMV consumer code (tests/detect.rs).
    Wallet {
        id: "unionpay_cn",
        network: Network::Unionpay,
        name: "UnionPay",
        currency: "CNY",
        code_prefix: "62",
        default_form: CodeForm::Numeric,
    },
];

/// The wallet with this id.
pub fn wallet(id: &str) -> Option<&'static Wallet> {
    WALLETS.iter().find(|w| w.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_paths_name_their_network() {
        for n in Network::ALL {
            assert_eq!(Network::from_id(n.id()), Some(n));
            assert_eq!(serde_json::to_value(n).unwrap(), serde_json::json!(n.id()));
        }
        assert_eq!(Network::for_path("/aps/api/v1/payments/pay"), Some(Network::AlipayPlus));
        assert_eq!(Network::for_path("/secapi/pay/refund"), Some(Network::WechatPay));
        assert_eq!(Network::for_path("/gateway/api/backTransReq.do"), Some(Network::Unionpay));
        assert_eq!(Network::for_path("/admin/faults"), None);
        for w in WALLETS {
            assert!(crate::fx::supported(w.currency), "{}", w.id);
        }
    }
}
