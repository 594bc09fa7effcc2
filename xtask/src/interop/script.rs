//! Playing one script for one assignment (a port of the upstream runner's
//! `RunStep`): the same RPC sequences, the same per-step message cache and
//! the same checks (epoch authenticators agree after `createGroup` with
//! members, `fullCommit`, `externalJoin`, `reinit` and `branch`; plaintext
//! and authenticated data match after `unprotect`).

use std::collections::{BTreeSet, HashMap};

use mls_interop::proto::*;
use tonic::Code;

use super::clients::{Client, RPC_TIMEOUT};
use super::config::{Params, Step};

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    /// An RPC failed, a check did not hold, or the step is malformed.
    Failed(String),
    /// A client answered UNIMPLEMENTED.
    Unsupported(String),
}

type StepResult = Result<(), StepError>;

fn fail(msg: impl Into<String>) -> StepError {
    StepError::Failed(msg.into())
}

impl From<String> for StepError {
    fn from(msg: String) -> Self {
        StepError::Failed(msg)
    }
}

/// Send one RPC to an actor's client with the runner's timeout; a status
/// becomes a [`StepError`] naming the actor and the RPC.
macro_rules! call {
    ($run:expr, $actor:expr, $rpc:literal, $method:ident, $req:expr) => {{
        let actor: &str = $actor;
        let mut client = $run.client(actor)?.rpc.clone();
        let mut request = tonic::Request::new($req);
        request.set_timeout(RPC_TIMEOUT);
        match tokio::time::timeout(RPC_TIMEOUT, client.$method(request)).await {
            Err(_) => return Err(fail(format!("{actor}: {} timed out", $rpc))),
            Ok(Err(status)) => {
                let msg = format!(
                    "{actor}: {} failed ({:?}): {}",
                    $rpc,
                    status.code(),
                    status.message()
                );
                return Err(if status.code() == Code::Unimplemented {
                    StepError::Unsupported(msg)
                } else {
                    StepError::Failed(msg)
                });
            }
            Ok(Ok(response)) => response.into_inner(),
        }
    }};
}

// After `call!`: macros are in scope only below their definition.
mod group_steps;
mod resumption;

/// One run: a script under one suite, handshake mode and assignment.
pub struct Run<'a> {
    /// The cipher suite (a `reinit` that changes suite updates it, as
    /// upstream).
    pub suite: u32,
    /// Send handshake messages as PrivateMessage.
    pub encrypt: bool,
    actors: HashMap<String, &'a Client>,
    state_id: HashMap<String, u32>,
    transaction_id: HashMap<String, u32>,
    signer_id: HashMap<String, u32>,
    cache: Vec<HashMap<&'static str, Vec<u8>>>,
}

impl<'a> Run<'a> {
    /// A run of a script of `steps` steps.
    pub fn new(
        suite: u32,
        encrypt: bool,
        actors: HashMap<String, &'a Client>,
        steps: usize,
    ) -> Self {
        Run {
            suite,
            encrypt,
            actors,
            state_id: HashMap::new(),
            transaction_id: HashMap::new(),
            signer_id: HashMap::new(),
            cache: vec![HashMap::new(); steps],
        }
    }

    fn client(&self, actor: &str) -> Result<&'a Client, StepError> {
        self.actors
            .get(actor)
            .copied()
            .ok_or_else(|| fail(format!("`{actor}` is not an actor of this script")))
    }

    fn state(&self, actor: &str) -> u32 {
        self.state_id.get(actor).copied().unwrap_or(0)
    }

    fn store(&mut self, index: usize, key: &'static str, value: Vec<u8>) {
        if let Some(slot) = self.cache.get_mut(index) {
            slot.insert(key, value);
        }
    }

    fn message(&self, index: i64, key: &str) -> Result<Vec<u8>, StepError> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.cache.get(i))
            .and_then(|slot| slot.get(key))
            .cloned()
            .ok_or_else(|| fail(format!("No message for key {key} at step {index}")))
    }

    fn transaction(&self, actor: &str) -> Result<u32, StepError> {
        self.transaction_id
            .get(actor)
            .copied()
            .ok_or_else(|| fail(format!("Malformed step: No transaction for {actor}")))
    }

    /// Play the whole script; on error return the failed step's index.
    pub async fn play(&mut self, steps: &[Step]) -> Result<(), (usize, StepError)> {
        for (i, step) in steps.iter().enumerate() {
            self.step(i, step).await.map_err(|e| (i, e))?;
        }
        Ok(())
    }

    /// `Free` every state the run holds (upstream frees group states only);
    /// the first error is returned.
    pub async fn free_all(&mut self) -> Result<(), StepError> {
        let mut held: Vec<(String, u32)> = self.state_id.drain().collect();
        held.sort();
        let mut first = Ok(());
        for (actor, state_id) in held {
            let result: StepResult = async {
                call!(self, &actor, "Free", free, FreeRequest { state_id });
                Ok(())
            }
            .await;
            if first.is_ok() {
                first = result;
            }
        }
        first
    }

    /// `NewGroupID`: the group id of step 0, with "++" appended when it
    /// changes.
    fn new_group_id(&self, change: bool) -> Result<Vec<u8>, StepError> {
        let mut id = self.message(0, "group_id")?;
        if change {
            id.extend_from_slice(b"++");
        }
        Ok(id)
    }

    /// `ChangeCipherSuite`: another suite every assigned client supports
    /// (upstream takes a random one; this takes the smallest).
    fn change_cipher_suite(&mut self) -> StepResult {
        let mut common: Option<BTreeSet<u32>> = None;
        for client in self.actors.values() {
            common = Some(match common {
                None => client.supported.clone(),
                Some(c) => c.intersection(&client.supported).copied().collect(),
            });
        }
        let mut common = common.unwrap_or_default();
        common.remove(&self.suite);
        self.suite = *common
            .iter()
            .next()
            .ok_or_else(|| fail("no remaining supported ciphersuite"))?;
        Ok(())
    }

    /// `ProposalDescriptionToProto`.
    fn describe(
        &mut self,
        d: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<ProposalDescription, StepError> {
        let kind = d.string("proposalType")?;
        let mut out = ProposalDescription {
            proposal_type: kind.clone().into_bytes(),
            ..Default::default()
        };
        match kind.as_str() {
            "add" => out.key_package = self.message(d.int("keyPackage")?, "key_package")?,
            "remove" => out.removed_id = d.string("removed")?.into_bytes(),
            "externalPSK" => out.psk_id = self.message(d.int("pskID")?, "psk_id")?,
            "resumptionPSK" => out.epoch_id = d.int("epochID")? as u64,
            "groupContextExtensions" => out.extensions = d.extensions("extensions")?,
            "reinit" => {
                out.extensions = d.extensions("extensions")?;
                if d.flag("changeCipherSuite")? {
                    self.change_cipher_suite()?;
                }
                out.cipher_suite = self.suite;
                out.group_id = self.new_group_id(d.flag("changeGroupID")?)?;
            }
            other => return Err(fail(format!("unknown proposal type [{other}]"))),
        }
        Ok(out)
    }

    fn by_reference(&self, step: &Step) -> Result<Vec<Vec<u8>>, StepError> {
        step.ints("byReference")?
            .into_iter()
            .map(|i| self.message(i, "proposal"))
            .collect()
    }

    fn by_value(&mut self, step: &Step) -> Result<Vec<ProposalDescription>, StepError> {
        step.objects("byValue")?
            .iter()
            .map(|d| self.describe(d))
            .collect()
    }

    async fn step(&mut self, index: usize, step: &Step) -> StepResult {
        let actor = step.actor.as_str();
        match step.action.as_str() {
            "createGroup" => self.create_group(index, step).await,
            "createKeyPackage" => {
                let resp = call!(
                    self,
                    actor,
                    "CreateKeyPackage",
                    create_key_package,
                    CreateKeyPackageRequest {
                        cipher_suite: self.suite,
                        identity: actor.as_bytes().to_vec(),
                    }
                );
                self.transaction_id
                    .insert(actor.to_string(), resp.transaction_id);
                self.store(index, "key_package", resp.key_package);
                Ok(())
            }
            "joinGroup" => {
                let welcome = self.message(step.int("welcome")?, "welcome")?;
                let transaction_id = self.transaction(actor)?;
                let resp = call!(
                    self,
                    actor,
                    "JoinGroup",
                    join_group,
                    JoinGroupRequest {
                        transaction_id,
                        welcome,
                        encrypt_handshake: self.encrypt,
                        identity: actor.as_bytes().to_vec(),
                        ratchet_tree: Vec::new(),
                    }
                );
                self.state_id.insert(actor.to_string(), resp.state_id);
                Ok(())
            }
            "externalJoin" => self.external_join(index, step).await,
            "installExternalPSK" => {
                let psk_id = random_bytes(32)?;
                let psk_secret = random_bytes(32)?;
                self.store(index, "psk_id", psk_id.clone());
                self.store(index, "psk_secret", psk_secret.clone());
                for name in step.strings("clients")? {
                    let id = self
                        .state_id
                        .get(&name)
                        .or_else(|| self.transaction_id.get(&name))
                        .copied()
                        .unwrap_or(0);
                    call!(
                        self,
                        &name,
                        "StorePSK",
                        store_psk,
                        StorePSKRequest {
                            state_or_transaction_id: id,
                            psk_id: psk_id.clone(),
                            psk_secret: psk_secret.clone(),
                        }
                    );
                }
                Ok(())
            }
            "groupInfo" => {
                let resp = call!(
                    self,
                    actor,
                    "GroupInfo",
                    group_info,
                    GroupInfoRequest {
                        state_id: self.state(actor),
                        external_tree: step.flag("externalTree")?,
                    }
                );
                self.store(index, "group_info", resp.group_info);
                self.store(index, "ratchet_tree", resp.ratchet_tree);
                Ok(())
            }
            "addProposal" => {
                let key_package = self.message(step.int("keyPackage")?, "key_package")?;
                let resp = call!(
                    self,
                    actor,
                    "AddProposal",
                    add_proposal,
                    AddProposalRequest {
                        state_id: self.state(actor),
                        key_package,
                    }
                );
                self.store(index, "proposal", resp.proposal);
                Ok(())
            }
            "removeProposal" => {
                let resp = call!(
                    self,
                    actor,
                    "RemoveProposal",
                    remove_proposal,
                    RemoveProposalRequest {
                        state_id: self.state(actor),
                        removed_id: step.string("removed")?.into_bytes(),
                    }
                );
                self.store(index, "proposal", resp.proposal);
                Ok(())
            }
            "updateProposal" => {
                let resp = call!(
                    self,
                    actor,
                    "UpdateProposal",
                    update_proposal,
                    UpdateProposalRequest {
                        state_id: self.state(actor),
                    }
                );
                self.store(index, "proposal", resp.proposal);
                Ok(())
            }
            "externalPSKProposal" => {
                let psk_id = self.message(step.int("pskID")?, "psk_id")?;
                let resp = call!(
                    self,
                    actor,
                    "ExternalPSKProposal",
                    external_psk_proposal,
                    ExternalPSKProposalRequest {
                        state_id: self.state(actor),
                        psk_id,
                    }
                );
                self.store(index, "proposal", resp.proposal);
                Ok(())
            }
            "resumptionPSKProposal" => {
                let resp = call!(
                    self,
                    actor,
                    "ResumptionPSKProposal",
                    resumption_psk_proposal,
                    ResumptionPSKProposalRequest {
                        state_id: self.state(actor),
                        epoch_id: step.int("epochID")? as u64,
                    }
                );
                self.store(index, "proposal", resp.proposal);
                Ok(())
            }
            "groupContextExtensionsProposal" => {
                let resp = call!(
                    self,
                    actor,
                    "GroupContextExtensionsProposal",
                    group_context_extensions_proposal,
                    GroupContextExtensionsProposalRequest {
                        state_id: self.state(actor),
                        extensions: step.extensions("extensions")?,
                    }
                );
                self.store(index, "proposal", resp.proposal);
                Ok(())
            }
            "fullCommit" => self.full_commit(index, step).await,
            "commit" => {
                let by_reference = self.by_reference(step)?;
                let by_value = self.by_value(step)?;
                let external_tree = step.flag("external_tree")?;
                let resp = call!(
                    self,
                    actor,
                    "Commit",
                    commit,
                    CommitRequest {
                        state_id: self.state(actor),
                        by_reference,
                        by_value,
                        force_path: step.flag("force_path")?,
                        external_tree,
                    }
                );
                self.store(index, "commit", resp.commit);
                self.store(index, "welcome", resp.welcome);
                if external_tree {
                    self.store(index, "ratchet_tree", resp.ratchet_tree);
                }
                Ok(())
            }
            "protect" => {
                let authenticated_data = step.string("authenticatedData")?.into_bytes();
                let plaintext = step.string("plaintext")?.into_bytes();
                let resp = call!(
                    self,
                    actor,
                    "Protect",
                    protect,
                    ProtectRequest {
                        state_id: self.state(actor),
                        authenticated_data: authenticated_data.clone(),
                        plaintext: plaintext.clone(),
                    }
                );
                self.store(index, "authenticatedData", authenticated_data);
                self.store(index, "plaintext", plaintext);
                self.store(index, "ciphertext", resp.ciphertext);
                Ok(())
            }
            "unprotect" => {
                let at = step.int("ciphertext")?;
                let ciphertext = self.message(at, "ciphertext")?;
                let resp = call!(
                    self,
                    actor,
                    "Unprotect",
                    unprotect,
                    UnprotectRequest {
                        state_id: self.state(actor),
                        ciphertext,
                    }
                );
                if self.message(at, "authenticatedData")? != resp.authenticated_data {
                    return Err(fail("Incorrect authenticated data"));
                }
                if self.message(at, "plaintext")? != resp.plaintext {
                    return Err(fail("Incorrect plaintext"));
                }
                self.store(index, "authenticatedData", resp.authenticated_data);
                self.store(index, "plaintext", resp.plaintext);
                Ok(())
            }
            "handleCommit" => {
                let commit = self.message(step.int("commit")?, "commit")?;
                let proposal = self.by_reference(step)?;
                let resp = call!(
                    self,
                    actor,
                    "HandleCommit",
                    handle_commit,
                    HandleCommitRequest {
                        state_id: self.state(actor),
                        proposal,
                        commit,
                    }
                );
                self.state_id.insert(actor.to_string(), resp.state_id);
                Ok(())
            }
            "handlePendingCommit" => {
                let resp = call!(
                    self,
                    actor,
                    "HandlePendingCommit",
                    handle_pending_commit,
                    HandlePendingCommitRequest {
                        state_id: self.state(actor),
                    }
                );
                self.state_id.insert(actor.to_string(), resp.state_id);
                Ok(())
            }
            "reinit" => self.reinit(step).await,
            "branch" => self.branch(step).await,
            "newMemberAddProposal" => {
                let joiner = step.string("joiner")?;
                let info = call!(
                    self,
                    actor,
                    "GroupInfo",
                    group_info,
                    GroupInfoRequest {
                        state_id: self.state(actor),
                        external_tree: false,
                    }
                );
                let resp = call!(
                    self,
                    &joiner,
                    "NewMemberAddProposal",
                    new_member_add_proposal,
                    NewMemberAddProposalRequest {
                        group_info: info.group_info,
                        identity: joiner.as_bytes().to_vec(),
                    }
                );
                self.transaction_id.insert(joiner, resp.transaction_id);
                self.store(index, "proposal", resp.proposal);
                self.store(index, "init_priv", resp.init_priv);
                self.store(index, "encryption_priv", resp.encryption_priv);
                self.store(index, "signature_priv", resp.signature_priv);
                Ok(())
            }
            "addExternalSigner" => {
                let signer = step.string("signer")?;
                let created = call!(
                    self,
                    &signer,
                    "CreateExternalSigner",
                    create_external_signer,
                    CreateExternalSignerRequest {
                        cipher_suite: self.suite,
                        identity: signer.as_bytes().to_vec(),
                    }
                );
                self.signer_id.insert(signer, created.signer_id);
                let resp = call!(
                    self,
                    actor,
                    "AddExternalSigner",
                    add_external_signer,
                    AddExternalSignerRequest {
                        state_id: self.state(actor),
                        external_sender: created.external_sender,
                    }
                );
                self.store(index, "proposal", resp.proposal);
                Ok(())
            }
            "externalSignerProposal" => {
                let member = step.string("member")?;
                let info = call!(
                    self,
                    &member,
                    "GroupInfo",
                    group_info,
                    GroupInfoRequest {
                        state_id: self.state(&member),
                        external_tree: true,
                    }
                );
                let description = self.describe(&step.sub_object("description")?)?;
                let resp = call!(
                    self,
                    actor,
                    "ExternalSignerProposal",
                    external_signer_proposal,
                    ExternalSignerProposalRequest {
                        signer_id: self.signer_id.get(actor).copied().unwrap_or(0),
                        // Upstream never sets the signer index (always 0).
                        signer_index: 0,
                        group_info: info.group_info,
                        ratchet_tree: info.ratchet_tree,
                        description: Some(description),
                    }
                );
                self.store(index, "proposal", resp.proposal);
                Ok(())
            }
            other => Err(fail(format!("Unknown action: {other}"))),
        }
    }
}

/// `n` random bytes from the OS.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, StepError> {
    let mut out = vec![0u8; n];
    getrandom::fill(&mut out).map_err(|e| fail(format!("randomness: {e}")))?;
    Ok(out)
}

/// A random (version 4) UUID in its text form, like upstream's group ids.
pub fn random_uuid() -> Result<String, StepError> {
    let mut b = random_bytes(16)?;
    if let (Some(six), Some(eight)) = (b.get(6).copied(), b.get(8).copied()) {
        b[6] = (six & 0x0f) | 0x40;
        b[8] = (eight & 0x3f) | 0x80;
    }
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let u = random_uuid().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
        assert_ne!(u, random_uuid().unwrap());
    }
}
