#![allow(dead_code)]
pub mod xlsx;
