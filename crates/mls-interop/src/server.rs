//! The `mls_client.MLSClient` service: every RPC runs a synchronous handler
//! ([`crate::handlers`]) under `catch_unwind`, and every failure becomes a
//! gRPC status carrying the error text ([`InteropError`]).

use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};

use tokio::net::TcpListener;
use tonic::{Request, Response, Status};

use crate::error::InteropError;
use crate::proto::*;
pub use crate::server_state::InteropServer;
use crate::service::m_l_s_client_server::{MLSClient, MLSClientServer};
use crate::{external_senders, handlers};

impl InteropServer {
    fn call<Q, A>(
        &self,
        rpc: &'static str,
        request: Request<Q>,
        handler: fn(&InteropServer, Q) -> Result<A, InteropError>,
    ) -> Result<Response<A>, Status> {
        let request = request.into_inner();
        match catch_unwind(AssertUnwindSafe(|| handler(self, request))) {
            Ok(Ok(answer)) => Ok(Response::new(answer)),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(InteropError::Panic(rpc).into()),
        }
    }
}

macro_rules! rpcs {
    ($($method:ident($req:ty) -> $resp:ty = $handler:path;)*) => {
        #[tonic::async_trait]
        impl MLSClient for InteropServer {
            $(
                async fn $method(&self, request: Request<$req>) -> Result<Response<$resp>, Status> {
                    self.call(stringify!($method), request, $handler)
                }
            )*
        }
    };
}

rpcs! {
    name(NameRequest) -> NameResponse = handlers::name;
    supported_ciphersuites(SupportedCiphersuitesRequest) -> SupportedCiphersuitesResponse = handlers::supported_ciphersuites;
    create_group(CreateGroupRequest) -> CreateGroupResponse = handlers::create_group;
    create_key_package(CreateKeyPackageRequest) -> CreateKeyPackageResponse = handlers::create_key_package;
    join_group(JoinGroupRequest) -> JoinGroupResponse = handlers::join_group;
    external_join(ExternalJoinRequest) -> ExternalJoinResponse = handlers::external_join;
    group_info(GroupInfoRequest) -> GroupInfoResponse = handlers::group_info;
    state_auth(StateAuthRequest) -> StateAuthResponse = handlers::state_auth;
    export(ExportRequest) -> ExportResponse = handlers::export;
    protect(ProtectRequest) -> ProtectResponse = handlers::protect;
    unprotect(UnprotectRequest) -> UnprotectResponse = handlers::unprotect;
    store_psk(StorePSKRequest) -> StorePSKResponse = handlers::store_psk;
    add_proposal(AddProposalRequest) -> ProposalResponse = handlers::add_proposal;
    update_proposal(UpdateProposalRequest) -> ProposalResponse = handlers::update_proposal;
    remove_proposal(RemoveProposalRequest) -> ProposalResponse = handlers::remove_proposal;
    external_psk_proposal(ExternalPSKProposalRequest) -> ProposalResponse = handlers::external_psk_proposal;
    resumption_psk_proposal(ResumptionPSKProposalRequest) -> ProposalResponse = handlers::resumption_psk_proposal;
    group_context_extensions_proposal(GroupContextExtensionsProposalRequest) -> ProposalResponse = handlers::group_context_extensions_proposal;
    commit(CommitRequest) -> CommitResponse = handlers::commit;
    handle_commit(HandleCommitRequest) -> HandleCommitResponse = handlers::handle_commit;
    handle_pending_commit(HandlePendingCommitRequest) -> HandleCommitResponse = handlers::handle_pending_commit;
    re_init_proposal(ReInitProposalRequest) -> ProposalResponse = handlers::re_init_proposal;
    re_init_commit(CommitRequest) -> CommitResponse = handlers::re_init_commit;
    handle_pending_re_init_commit(HandlePendingCommitRequest) -> HandleReInitCommitResponse = handlers::handle_pending_re_init_commit;
    handle_re_init_commit(HandleCommitRequest) -> HandleReInitCommitResponse = handlers::handle_re_init_commit;
    re_init_welcome(ReInitWelcomeRequest) -> CreateSubgroupResponse = handlers::re_init_welcome;
    handle_re_init_welcome(HandleReInitWelcomeRequest) -> JoinGroupResponse = handlers::handle_re_init_welcome;
    create_branch(CreateBranchRequest) -> CreateSubgroupResponse = handlers::create_branch;
    handle_branch(HandleBranchRequest) -> HandleBranchResponse = handlers::handle_branch;
    new_member_add_proposal(NewMemberAddProposalRequest) -> NewMemberAddProposalResponse = external_senders::new_member_add_proposal;
    create_external_signer(CreateExternalSignerRequest) -> CreateExternalSignerResponse = external_senders::create_external_signer;
    add_external_signer(AddExternalSignerRequest) -> ProposalResponse = external_senders::add_external_signer;
    external_signer_proposal(ExternalSignerProposalRequest) -> ProposalResponse = external_senders::external_signer_proposal;
    free(FreeRequest) -> FreeResponse = handlers::free;
}

/// Serve `mls_client.MLSClient` on `listener` (plain HTTP/2, no TLS) until
/// `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    tonic::transport::Server::builder()
        .add_service(MLSClientServer::new(InteropServer::new()))
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await
}

/// Bind `addr` (port 0 picks a free port) and return the listener with the
/// address it got.
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}
