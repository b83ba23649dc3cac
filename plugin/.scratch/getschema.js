const grpc = require("@grpc/grpc-js");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const provproto = require("@pulumi/pulumi/proto/provider_pb.js");
const port = process.argv[2];
const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const req = new provproto.GetSchemaRequest();
client.getSchema(req, (err, resp) => {
  if (err) { console.error("ERR", err.message); process.exit(1); }
  require("fs").writeFileSync(process.argv[3], resp.getSchema());
  console.log("ok", resp.getSchema().length);
  process.exit(0);
});
