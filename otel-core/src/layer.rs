//! The shape every tower layer of the kit has, written once by
//! [`tower_layer!`](crate::tower_layer): a layer that keeps its configuration behind an
//! `Arc` (so building a service per connection copies a pointer), and the service it
//! wraps around an inner one, with the usual accessors; and its response future, a
//! [`CallFuture`](crate::call::CallFuture) under the crate's own name
//! ([`response_future!`](crate::response_future)). What the service does per
//! request is each instrumentation's own `Service` impl; the builder methods are
//! [`hook_builders!`](crate::hook_builders)'.

/// Declares a layer `$layer` over the configuration `$config` with its `new`, the
/// service `$service` it wraps around an inner service, and `tower::Layer for $layer`.
///
/// Both keep the configuration in a field `config: Arc<$config>` and the service its
/// inner service in `inner`, visible as `$vis` (the service's `Service` impl and the
/// layer's builder methods read them). The layer is `#[must_use]`; the service has
/// `get_ref`, `get_mut` and `into_inner`, documented with examples on `$krate::$layer`.
/// The invoking crate depends on `tower`.
///
/// `new` comes in two forms:
/// - `pub fn new();`: the defaults. The layer is `Default` (so `$config` is).
/// - `pub fn new(name: Type, ...) { body }`: what every layer must be given, asked once
///   here; `body` makes the `$config` from the arguments. The layer is not `Default`,
///   so no way of building it skips them. The service's examples then call
///   `new(<example args>)` with the `new "..."` given after `example`.
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
///
/// A layer that must be given something:
///
/// ```
/// mod text {
///     #[derive(Debug, Clone)]
///     pub struct Config {
///         pub(crate) greeting: String,
///     }
///
///     otel_kit_core::tower_layer! {
///         /// Greets before the inner service runs.
///         pub struct GreetLayer(Config);
///         /// A layer that says `greeting`.
///         pub fn new(greeting: &str) {
///             Config { greeting: greeting.to_owned() }
///         }
///         /// The service [`GreetLayer`] wraps.
///         pub struct GreetService, fields pub(crate), example "otel_kit_core", new "\"hello\"";
///     }
/// }
///
/// use tower::Layer as _;
///
/// let service = text::GreetLayer::new("hello").layer(42);
/// assert_eq!(service.config.greeting, "hello");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! tower_layer {
    // The defaults.
    (
        $(#[$layer_meta:meta])*
        pub struct $layer:ident($config:ty);
        $(#[$new_meta:meta])*
        pub fn new();
        $(#[$service_meta:meta])*
        pub struct $service:ident, fields $vis:vis, example $krate:literal;
    ) => {
        $crate::tower_layer! {
            @shape [Debug, Clone, Default]
            $(#[$layer_meta])*
            pub struct $layer($config);
            $(#[$service_meta])*
            pub struct $service, fields $vis, example $krate, new "";
        }

        impl $layer {
            $(#[$new_meta])*
            pub fn new() -> Self {
                Self::default()
            }
        }
    };
    // What every layer must be given.
    (
        $(#[$layer_meta:meta])*
        pub struct $layer:ident($config:ty);
        $(#[$new_meta:meta])*
        pub fn new($($arg:ident: $arg_ty:ty),+ $(,)?) $body:block
        $(#[$service_meta:meta])*
        pub struct $service:ident, fields $vis:vis, example $krate:literal, new $example_args:literal;
    ) => {
        $crate::tower_layer! {
            @shape [Debug, Clone]
            $(#[$layer_meta])*
            pub struct $layer($config);
            $(#[$service_meta])*
            pub struct $service, fields $vis, example $krate, new $example_args;
        }

        impl $layer {
            $(#[$new_meta])*
            pub fn new($($arg: $arg_ty),+) -> Self {
                let config: $config = $body;
                Self {
                    config: ::std::sync::Arc::new(config),
                }
            }
        }
    };
    (
        @shape [$($derive:ident),+]
        $(#[$layer_meta:meta])*
        pub struct $layer:ident($config:ty);
        $(#[$service_meta:meta])*
        pub struct $service:ident, fields $vis:vis, example $krate:literal, new $example_args:literal;
    ) => {
        $(#[$layer_meta])*
        #[derive($($derive),+)]
        #[must_use]
        pub struct $layer {
            $vis config: ::std::sync::Arc<$config>,
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
            #[doc = concat!("let service = ", $krate, "::", stringify!($layer), "::new(", $example_args, ").layer(42);")]
            #[doc = "assert_eq!(*service.get_ref(), 42);"]
            #[doc = "```"]
            pub fn get_ref(&self) -> &S {
                &self.inner
            }

            #[doc = "The wrapped service, mutably."]
            #[doc = ""]
            #[doc = "```"]
            #[doc = "use tower::Layer as _;"]
            #[doc = concat!("let mut service = ", $krate, "::", stringify!($layer), "::new(", $example_args, ").layer(42);")]
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
            #[doc = concat!("let service = ", $krate, "::", stringify!($layer), "::new(", $example_args, ").layer(\"inner\");")]
            #[doc = "assert_eq!(service.into_inner(), \"inner\");"]
            #[doc = "```"]
            pub fn into_inner(self) -> S {
                self.inner
            }
        }
    };
}

/// Declares `$name<F>`, the public response future of a layer's service: the inner
/// service's future `F` in a [`CallFuture`](crate::call::CallFuture) that ends the call
/// `$call` (the context attached on every poll, a panic recorded, a drop counted as
/// cancelled), made by `new` (visible as `$vis`), and `Debug` whatever `F` is. The
/// invoking crate implements `Future` for it, finishing the call its own way through
/// [`CallFuture::poll_finish`](crate::call::CallFuture::poll_finish) on `call`.
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::task::{Context as TaskContext, Poll};
///
/// use opentelemetry::Context;
/// use otel_kit_core::call::{CallFuture, EndEarly};
///
/// struct Call(Context);
///
/// impl EndEarly for Call {
///     fn context(&self) -> &Context {
///         &self.0
///     }
///     fn panicked(self, _payload: &(dyn std::any::Any + Send)) {}
///     fn cancelled(self) {}
/// }
///
/// otel_kit_core::response_future! {
///     /// The response future of a made-up service.
///     pub struct ResponseFuture(Call), pub(crate) fn new;
/// }
///
/// impl<F: Future> Future for ResponseFuture<F> {
///     type Output = F::Output;
///
///     fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
///         self.project().call.poll_finish(task, |output, _call| output)
///     }
/// }
///
/// let future = ResponseFuture::new(CallFuture::new(std::future::ready(7), Call(Context::new())));
/// assert_eq!(format!("{future:?}"), "ResponseFuture { traced: true, .. }");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! response_future {
    ($(#[$meta:meta])* pub struct $name:ident($call:ty), $vis:vis fn new;) => {
        $crate::__pin_project_lite::pin_project! {
            $(#[$meta])*
            pub struct $name<F> {
                #[pin]
                call: $crate::call::CallFuture<F, $call>,
            }
        }

        impl<F> $name<F> {
            /// The future of `call`, traced or not.
            $vis fn new(call: $crate::call::CallFuture<F, $call>) -> Self {
                Self { call }
            }
        }

        impl<F> ::std::fmt::Debug for $name<F> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("traced", &self.call.is_traced())
                    .finish_non_exhaustive()
            }
        }
    };
}
