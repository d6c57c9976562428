pub mod class;
