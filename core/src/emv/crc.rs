//! CRC-16/CCITT-FALSE (ISO/IEC 13239, polynomial 0x1021, initial 0xFFFF), EMVCo MPM §4.7.3.

use crc::{Crc, Table, CRC_16_IBM_3740};

/// CRC-16/IBM-3740 is the catalogue name of CCITT-FALSE; slice-by-16 tables keep it off the profile.
static EMV_CRC: Crc<u16, Table<16>> = Crc::<u16, Table<16>>::new(&CRC_16_IBM_3740);

/// The EMVCo CRC of `bytes` (computed over the payload up to and including "6304").
pub fn crc16(bytes: &[u8]) -> u16 {
    EMV_CRC.checksum(bytes)
}

/// The CRC as the four upper-case hex characters a code carries.
pub fn crc16_hex(bytes: &[u8]) -> String {
    format!("{:04X}", crc16(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_of_crc16_ccitt_false() {
        // The catalogue check value for CRC-16/CCITT-FALSE.
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn emvco_annex_b_example() {
        let body = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304";
        assert_eq!(crc16_hex(body.as_bytes()), "A13A");
    }
}
