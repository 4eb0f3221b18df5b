-- Asserts that kmeans_sweep marks exactly one fitted k as chosen, and that every cluster id in
-- movie_clusters and cluster_profiles lies in 0 .. k - 1 for that k.
with

chosen as (

    select
        count(*) as chosen_rows,
        max(k) as k,
        max(status) as status

    from {{ source('ml', 'kmeans_sweep') }}
    where is_selected

),

cluster_ids as (

    select 'movie_clusters' as result_table, cluster from {{ source('ml', 'movie_clusters') }}
    union all
    select 'cluster_profiles' as result_table, cluster from {{ source('ml', 'cluster_profiles') }}

),

final as (

    select
        'chosen k' as problem,
        cast(chosen_rows as string) as details

    from chosen
    where chosen_rows != 1 or status != 'fitted'

    union all

    select
        'cluster id out of range' as problem,
        concat(cluster_ids.result_table, ': ', cast(cluster_ids.cluster as string)) as details

    from cluster_ids
    cross join chosen
    where cluster_ids.cluster < 0 or cluster_ids.cluster >= chosen.k

)

select * from final
