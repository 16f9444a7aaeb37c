using SessionKit.AspNetCore.Load;

// `--server`: the child process (the Kestrel app). Otherwise: the driver, which starts the child and measures it.
if (args is ["--server", ..])
{
    await LoadServer.RunAsync();
    return 0;
}

var settings = LoadSettings.Parse(args);
return await LoadDriver.RunAsync(settings);
