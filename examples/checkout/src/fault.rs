//! The failures `checkout serve --fault` injects on purpose: an outage to watch the
//! dashboards and alerts react to.

use std::str::FromStr;

/// A failure injected into the running shop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Payments answers every charge `503 Service Unavailable`: orders answers
    /// `INTERNAL`, the frontend 502. `HttpHighErrorRatio` fires for payments and the
    /// frontend, `GrpcHighErrorRatio` for orders.
    Payments,
}

impl FromStr for Fault {
    type Err = String;

    /// `payments`.
    ///
    /// ```
    /// use checkout::Fault;
    ///
    /// assert_eq!("payments".parse::<Fault>(), Ok(Fault::Payments));
    /// assert!("orders".parse::<Fault>().is_err());
    /// ```
    fn from_str(name: &str) -> Result<Fault, String> {
        match name {
            "payments" => Ok(Fault::Payments),
            other => Err(format!(
                "--fault: {other:?} is not a fault; the one there is: payments"
            )),
        }
    }
}
