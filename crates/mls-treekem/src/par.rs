//! Independent public-key work spread over the cores (issue 14 item 2).
//!
//! With the `parallel` feature (on by default) the items run on rayon's
//! current thread pool (the global pool, or the one a caller entered with
//! `ThreadPool::install`); without it, in order on the calling thread. The
//! answer is the same either way and for any number of threads: the outputs
//! in item order, or the error of the first failing item in order, which is
//! the error a sequential loop stops at. Only work that draws no randomness
//! belongs here (signature verifications, key validations), or work whose
//! randomness the caller drew beforehand, in item order (HPKE seals given
//! their seeds, `CipherSuiteProvider::hpke_seal_with_seed`), so that the
//! state built from the results is byte-identical too.

/// `f` over every item; the outputs in order, or the first error in order.
pub fn try_map<T, U, E, F>(items: &[T], f: F) -> Result<Vec<U>, E>
where
    T: Sync,
    U: Send,
    E: Send,
    F: Fn(&T) -> Result<U, E> + Sync + Send,
{
    map(items, f).into_iter().collect()
}

/// `f` over every item, each result kept, in item order.
pub fn map<T, U, F>(items: &[T], f: F) -> Vec<U>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.iter().map(f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_in_order_and_the_first_error_in_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            try_map(&items, |&i| Ok::<_, u32>(i * 2)),
            Ok((0..1000).map(|i| i * 2).collect())
        );
        let first_bad = try_map(&items, |&i| if i % 300 == 299 { Err(i) } else { Ok(i) });
        assert_eq!(first_bad, Err(299));
    }
}
