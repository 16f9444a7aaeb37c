// A walk through SessionKit's core: two connections, authentication, requests with sync, storage, Su, disconnect.
// Run: dotnet run --project samples/SessionKit.Samples.Console
using System.Net;
using SessionKit;

var users = new InMemoryUserDirectory();
users.AddUser("alice", "wonderland");
users.AddUser("bob", "builder");

await using var sessions = new SessionManager(directory: users);
var cart = new SessionKey<List<string>>("cart");

// 1. Triggers: Tarantool's on_connect / on_auth / on_disconnect, newest first.
sessions.OnConnect.Add("greet", ctx =>
{
    Console.WriteLine($"  on_connect    id={sessions.Id} user={sessions.User} effective={sessions.EffectiveUser} sync={sessions.Sync}");
    return ValueTask.CompletedTask;
});
sessions.OnAuth.Add("audit", ctx =>
{
    Console.WriteLine($"  on_auth       id={ctx.Session.Id} name={ctx.UserName} ok={ctx.Succeeded} as={sessions.User} sync={sessions.Sync}");
    return ValueTask.CompletedTask;
});
sessions.OnDisconnect.Add("bye", ctx =>
{
    var items = ctx.Session.Storage.Get(cart)?.Count ?? 0;
    Console.WriteLine($"  on_disconnect id={sessions.Id} user={sessions.User} peer={sessions.Peer()} cart={items} item(s)");
    return ValueTask.CompletedTask;
});

// 2. Two connections arrive.
Console.WriteLine("connect two sessions");
var first = await sessions.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.Loopback, 40001));
var second = await sessions.ConnectAsync(SessionType.Binary, new IPEndPoint(IPAddress.IPv6Loopback, 40002));
Console.WriteLine($"  sessions: {first} | {second}; count={sessions.Count}");

// 3. Authentication: a wrong password and an unknown user fail alike; the user stays guest.
Console.WriteLine("authenticate");
await sessions.AuthenticateAsync(first, "alice", "wonderland");
try
{
    await sessions.AuthenticateAsync(second, "bob", "wrong");
}
catch (AuthenticationFailedException ex)
{
    Console.WriteLine($"  bob failed: {ex.Message}; session user still {second.User}");
}

await sessions.AuthenticateAsync(second, "bob", "builder");

// 4. Requests: each runs inside Enter(session, sync); sync is request-local, storage per session.
Console.WriteLine("requests with sync and storage");
using (sessions.Enter(first, sync: 7))
{
    sessions.Storage.Set(cart, ["apples"]);
    Console.WriteLine($"  request on {sessions.Id}: user={sessions.User} sync={sessions.Sync} peer={sessions.Peer()}");
}

using (sessions.Enter(second, sync: 8))
{
    Console.WriteLine($"  request on {sessions.Id}: user={sessions.User} sync={sessions.Sync} cart={(sessions.Storage.Get(cart) is null ? "none" : "some")}");
}

// 5. Su: only an effective admin may switch (Tarantool lets anyone); inside, EffectiveUser changes, User does not.
Console.WriteLine("su");
using (sessions.Enter(first, sync: 9))
{
    try
    {
        using (sessions.Su("bob"))
        {
        }
    }
    catch (AccessDeniedException ex)
    {
        Console.WriteLine($"  alice may not su: {ex.Message}");
    }
}

var result = sessions.Su("alice", () => $"user={sessions.User} effective={sessions.EffectiveUser}");
Console.WriteLine($"  background code (admin) su alice: {result}; afterwards effective={sessions.EffectiveUser}");

// 6. Disconnect: on_disconnect runs with storage and peer still readable; then the session is destroyed.
Console.WriteLine("disconnect");
await sessions.DisconnectAsync(first);
await sessions.DisconnectAsync(first); // idempotent
Console.WriteLine($"  first: state={first.State} exists={sessions.Exists(first.Id)} count={sessions.Count}");
await sessions.DisconnectAsync(second);
Console.WriteLine($"  done: count={sessions.Count}");
