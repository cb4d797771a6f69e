//! Analyses that run the engine many times: [`driver`] (the levers, by name), [`goal_seek`]
//! (the lever value that meets a target) and [`sensitivity`] (tornado swings).

pub mod driver;
pub mod goal_seek;
pub mod required_savings;
pub mod roll_forward;
pub mod sensitivity;
