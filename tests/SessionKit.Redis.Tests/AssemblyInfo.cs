// The tests start real servers and node processes; run one class at a time so a loaded 2-core machine stays responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
