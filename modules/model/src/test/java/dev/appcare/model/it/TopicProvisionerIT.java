package dev.appcare.model.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.TopicProvisioner.Action;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.KafkaBroker;
import dev.appcare.testkit.RealInfrastructure;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

@IntegrationTest
class TopicProvisionerIT {

    @Test
    void shouldPlanCreateAndThenFindEverythingUpToDate(RealInfrastructure infra) throws Exception {
        // Renamed copies of the contract, so this test owns its topics on the shared broker.
        String suffix = "-prov-" + System.nanoTime();
        List<TopicSpec<?>> topics = Topics.ALL.stream().<TopicSpec<?>>map(t -> rename(t, t.name() + suffix)).toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.broker().bootstrapServers()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, topics, 2, (short) 0);

            List<TopicProvisioner.Step> dryRun = provisioner.plan();
            assertThat(dryRun).extracting(TopicProvisioner.Step::action).containsOnly(Action.CREATE);
            assertThat(dryRun).allSatisfy(step -> assertThat(step.replicationFactor()).isEqualTo((short) 1));
            assertThat(admin.listTopics().names().get()).noneMatch(name -> name.endsWith(suffix));

            provisioner.apply();
            List<TopicProvisioner.Step> again = provisioner.apply();

            assertThat(again).extracting(TopicProvisioner.Step::action).containsOnly(Action.UP_TO_DATE);
            assertThat(again).extracting(TopicProvisioner.Step::partitions).containsOnly(2);
            var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    "traveller.preference.v1" + suffix))).all().get().values().iterator().next();
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void shouldPlanPerTopicPartitionCountsFromConfiguration(RealInfrastructure infra) throws Exception {
        String suffix = "-prov-" + System.nanoTime();
        List<TopicSpec<?>> topics = Topics.ALL.stream().<TopicSpec<?>>map(t -> rename(t, t.name() + suffix)).toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.broker().bootstrapServers()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, topics, 2, (short) 0,
                    dev.appcare.model.topics.ErasureBound.DEFAULT, Map.of("notify.whatsapp-request.v1" + suffix, 12));

            List<TopicProvisioner.Step> plan = provisioner.plan();

            assertThat(plan).filteredOn(s -> s.topic().equals("notify.whatsapp-request.v1" + suffix))
                    .extracting(TopicProvisioner.Step::partitions).containsExactly(12);
            assertThat(plan).filteredOn(s -> !s.topic().startsWith("notify.whatsapp-request.v1"))
                    .extracting(TopicProvisioner.Step::partitions).containsOnly(2);
        }
    }

    @Test
    void shouldRefuseAPlanWhoseCoPartitionedCountsDisagreeAndCreateNothing() throws Exception {
        // The co-partitioning rules name the contract's topics, so this test needs them unrenamed: its own broker,
        // not the shared one other tests create those names on. appcare topics create runs exactly this.
        try (KafkaBroker broker = KafkaBroker.start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicProvisioner disagreeing = new TopicProvisioner(admin, Topics.ALL, 3, (short) 0,
                    dev.appcare.model.topics.ErasureBound.DEFAULT, Map.of("care.agent-reply.v1", 2));

            assertThatThrownBy(disagreeing::apply)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("refusing this topic plan: co-partitioned topics of 'care-conversation' disagree: "
                            + "{care.inbound.v1=3, care.agent-reply.v1=2, notify.whatsapp-request.v1=3}");
            assertThat(admin.listTopics().names().get()).as("nothing created").isEmpty();

            List<TopicProvisioner.Step> agreeing = new TopicProvisioner(admin, Topics.ALL, 3, (short) 0,
                    dev.appcare.model.topics.ErasureBound.DEFAULT, Map.of("care.agent-reply.v1", 3)).apply();
            assertThat(agreeing).extracting(TopicProvisioner.Step::action).containsOnly(Action.CREATE);
            assertThat(admin.describeTopics(List.of("care.agent-reply.v1")).allTopicNames().get()
                    .get("care.agent-reply.v1").partitions()).hasSize(3);
        }
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> TopicSpec<V> rename(TopicSpec<V> t, String name) {
        return t.withName(name);
    }
}
