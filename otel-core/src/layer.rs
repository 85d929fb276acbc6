//! The shape every tower layer of the kit has, written once by
//! [`tower_layer!`](crate::tower_layer): a layer that keeps its configuration behind an
//! `Arc` (so building a service per connection copies a pointer), and the service it
//! wraps around an inner one, with the usual accessors. What the service does per
//! request is each instrumentation's own `Service` impl; the builder methods are
//! [`hook_builders!`](crate::hook_builders)'.

/// Declares a layer `$layer` over the configuration `$config` with its `new` (the
/// defaults), the service `$service` it wraps around an inner service, and
/// `tower::Layer for $layer`.
///
/// Both keep the configuration in a field `config: Arc<$config>` and the service its
/// inner service in `inner`, visible as `$vis` (the service's `Service` impl and the
/// layer's builder methods read them). The layer is `Default` (so `$config` is) and
/// `#[must_use]`; the service has `get_ref`, `get_mut` and `into_inner`, documented with
/// examples on `$krate::$layer`. The invoking crate depends on `tower`.
///
/// ```
/// mod text {
///     #[derive(Debug, Clone, Default)]
///     pub struct Config {
///         pub(crate) greeting: &'static str,
///     }
///
///     otel_kit_core::tower_layer! {
///         /// Greets before the inner service runs.
///         pub struct GreetLayer(Config);
///         /// A layer with an empty greeting.
///         pub fn new();
///         /// The service [`GreetLayer`] wraps.
///         pub struct GreetService, fields pub(crate), example "otel_kit_core";
///     }
/// }
///
/// use tower::Layer as _;
///
/// let service = text::GreetLayer::new().layer(42);
/// assert_eq!(*service.get_ref(), 42);
/// assert_eq!(service.config.greeting, "");
/// ```
#[macro_export]
macro_rules! tower_layer {
    (
        $(#[$layer_meta:meta])*
        pub struct $layer:ident($config:ty);
        $(#[$new_meta:meta])*
        pub fn new();
        $(#[$service_meta:meta])*
        pub struct $service:ident, fields $vis:vis, example $krate:literal;
    ) => {
        $(#[$layer_meta])*
        #[derive(Debug, Clone, Default)]
        #[must_use]
        pub struct $layer {
            $vis config: ::std::sync::Arc<$config>,
        }

        impl $layer {
            $(#[$new_meta])*
            pub fn new() -> Self {
                Self::default()
            }
        }

        impl<S> ::tower::Layer<S> for $layer {
            type Service = $service<S>;

            fn layer(&self, inner: S) -> Self::Service {
                $service {
                    inner,
                    config: ::std::sync::Arc::clone(&self.config),
                }
            }
        }

        $(#[$service_meta])*
        #[derive(Debug, Clone)]
        pub struct $service<S> {
            $vis inner: S,
            $vis config: ::std::sync::Arc<$config>,
        }

        impl<S> $service<S> {
            #[doc = "The wrapped service."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "use tower::Layer as _;"]
            #[doc = concat!("let service = ", $krate, "::", stringify!($layer), "::new().layer(42);")]
            #[doc = "assert_eq!(*service.get_ref(), 42);"]
            #[doc = "```"]
            pub fn get_ref(&self) -> &S {
                &self.inner
            }

            #[doc = "The wrapped service, mutably."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "use tower::Layer as _;"]
            #[doc = concat!("let mut service = ", $krate, "::", stringify!($layer), "::new().layer(42);")]
            #[doc = "*service.get_mut() += 1;"]
            #[doc = "assert_eq!(service.into_inner(), 43);"]
            #[doc = "```"]
            pub fn get_mut(&mut self) -> &mut S {
                &mut self.inner
            }

            #[doc = "Unwraps the inner service."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "use tower::Layer as _;"]
            #[doc = concat!("let service = ", $krate, "::", stringify!($layer), "::new().layer(\"inner\");")]
            #[doc = "assert_eq!(service.into_inner(), \"inner\");"]
            #[doc = "```"]
            pub fn into_inner(self) -> S {
                self.inner
            }
        }
    };
}
