namespace SessionKit.Internal;

/// <summary>Receives the errors of a run that continues past failing triggers (the <c>on_disconnect</c> policy).</summary>
internal interface ITriggerErrorSink
{
    void OnTriggerFailed<TContext>(TContext context, string triggerName, Exception exception);
}

/// <summary>
/// Runs one snapshot of a trigger list newest first. The synchronous loop allocates nothing; the first trigger that does
/// not complete synchronously moves the rest of the run to an async method.
/// </summary>
internal static class TriggerRunner
{
    /// <summary>Runs <paramref name="entries"/>. With a null <paramref name="sink"/> the first error stops the run and propagates; otherwise each error goes to the sink and the run goes on.</summary>
    public static ValueTask RunAsync<TContext>(TriggerEntry<TContext>[] entries, TContext context, ITriggerErrorSink? sink)
    {
        if (sink is not null)
        {
            return RunWithSinkAsync(entries, context, sink);
        }

        // No exception handler in this loop: without a sink the first error propagates anyway, and a handler would
        // keep the loop's locals on the stack.
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.IsRemoved)
            {
                continue;
            }

            var pending = entry.Handler(context);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                continue;
            }

            return ContinueAsync(pending, entries, i, context, sink);
        }

        return default;
    }

    /// <summary>
    /// Runs <paramref name="entries"/> like <see cref="RunAsync{TContext}"/> without a sink, but a trigger that throws
    /// synchronously faults the returned task instead of throwing (the public <c>InvokeAsync</c> contract).
    /// </summary>
    /// <remarks>
    /// One handler around the whole loop, in the loop's own method. Measured against the alternatives: a handler around
    /// each call made the loop markedly slower, a wrapper around a call to <see cref="RunAsync{TContext}"/> cost an
    /// extra frame, and a helper that catches per trigger cost a call per trigger. Nothing the loop keeps is used by
    /// the handler, so its locals stay in registers.
    /// </remarks>
    public static ValueTask RunCatchingAsync<TContext>(TriggerEntry<TContext>[] entries, TContext context)
    {
        try
        {
            for (var i = 0; i < entries.Length; i++)
            {
                var entry = entries[i];
                if (entry.IsRemoved)
                {
                    continue;
                }

                var pending = entry.Handler(context);
                if (pending.IsCompletedSuccessfully)
                {
                    pending.GetAwaiter().GetResult();
                    continue;
                }

                // An async method never throws synchronously: whatever the rest of the run throws faults its task.
                return ContinueAsync(pending, entries, i, context, null);
            }

            return default;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    private static ValueTask RunWithSinkAsync<TContext>(TriggerEntry<TContext>[] entries, TContext context, ITriggerErrorSink sink)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.IsRemoved)
            {
                continue;
            }

            ValueTask pending;
            try
            {
                pending = entry.Handler(context);
            }
            catch (Exception ex) when (sink is not null)
            {
                sink.OnTriggerFailed(context, entry.DisplayName, ex);
                continue;
            }

            if (pending.IsCompletedSuccessfully)
            {
                // GetResult releases a pooled IValueTaskSource behind the ValueTask, if any.
                pending.GetAwaiter().GetResult();
                continue;
            }

            return ContinueAsync(pending, entries, i, context, sink);
        }

        return default;
    }

    private static async ValueTask ContinueAsync<TContext>(ValueTask pending, TriggerEntry<TContext>[] entries, int index, TContext context, ITriggerErrorSink? sink)
    {
        await AwaitOneAsync(pending, entries[index], context, sink).ConfigureAwait(false);
        for (var i = index + 1; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.IsRemoved)
            {
                continue;
            }

            ValueTask next;
            try
            {
                next = entry.Handler(context);
            }
            catch (Exception ex) when (sink is not null)
            {
                sink.OnTriggerFailed(context, entry.DisplayName, ex);
                continue;
            }

            await AwaitOneAsync(next, entry, context, sink).ConfigureAwait(false);
        }
    }

    private static async ValueTask AwaitOneAsync<TContext>(ValueTask pending, TriggerEntry<TContext> entry, TContext context, ITriggerErrorSink? sink)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (sink is not null)
        {
            sink.OnTriggerFailed(context, entry.DisplayName, ex);
        }
    }
}
