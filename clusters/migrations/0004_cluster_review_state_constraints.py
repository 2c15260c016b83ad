from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clusters", "0003_published_clusters_reviewed")]

    operations = [
        migrations.AddConstraint(
            model_name='cluster',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('is_published', True), ('review_state', 'published')), models.Q(('is_published', False), models.Q(('review_state', 'published'), _negated=True)), _connector='OR'), name='clusters_cluster_published_matches_review_state'),
        ),
        migrations.AddConstraint(
            model_name='cluster',
            constraint=models.CheckConstraint(condition=models.Q(('review_state__in', ['draft', 'in_review', 'returned', 'published'])), name='clusters_cluster_review_state_valid'),
        ),
    ]
